import CCurl

/// Collects what libcurl delivers through CURLOPT_WRITEFUNCTION during one command.
final class CurlResponseBuffer {
    var bytes: [UInt8] = []

    var opaque: UnsafeMutableRawPointer { Unmanaged.passUnretained(self).toOpaque() }

    static func from(_ pointer: UnsafeMutableRawPointer) -> CurlResponseBuffer {
        Unmanaged<CurlResponseBuffer>.fromOpaque(pointer).takeUnretainedValue()
    }
}

/// CURLOPT_WRITEFUNCTION appending to a ``CurlResponseBuffer`` passed as `userdata`.
let curlBufferWriteCallback: curl_write_callback = { data, size, count, userdata in
    guard let userdata else { return 0 }
    let total = size * count
    if let data, total > 0 {
        let buffer = UnsafeRawBufferPointer(start: data, count: total)
        CurlResponseBuffer.from(userdata).bytes.append(contentsOf: buffer)
    }
    return total
}
