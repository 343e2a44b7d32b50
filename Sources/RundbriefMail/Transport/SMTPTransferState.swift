import CCurl

/// What libcurl's C callbacks of one worker's handle read and write.
///
/// libcurl callbacks are C function pointers and cannot capture context: the state travels as the
/// callbacks' `userdata` pointer instead. It is unretained there, because the worker that owns the
/// handle owns this object for the handle's whole life.
final class SMTPTransferState {
  var message: [UInt8] = []
  var offset = 0
  let transcript = SMTPTranscript()

  func startTransaction(with data: [UInt8]) {
    message = data
    offset = 0
    transcript.reset()
  }

  func endTransaction() {
    // Drops the message bytes now rather than when the next message replaces them.
    message = []
  }

  var opaque: UnsafeMutableRawPointer { Unmanaged.passUnretained(self).toOpaque() }

  static func from(_ pointer: UnsafeMutableRawPointer) -> SMTPTransferState {
    Unmanaged<SMTPTransferState>.fromOpaque(pointer).takeUnretainedValue()
  }

  /// Copies the next chunk of the message into libcurl's upload buffer.
  func read(into buffer: UnsafeMutablePointer<CChar>, capacity: Int) -> Int {
    let count = min(capacity, message.count - offset)
    guard count > 0 else { return 0 }
    message.withUnsafeBufferPointer { bytes in
      UnsafeMutableRawPointer(buffer).copyMemory(
        from: bytes.baseAddress! + offset, byteCount: count)
    }
    offset += count
    return count
  }

  /// Feeds the transcript; message data and TLS bytes are ignored.
  func observe(_ type: curl_infotype, _ bytes: UnsafeRawBufferPointer) {
    switch type {
    case CURLINFO_HEADER_IN: transcript.replyReceived(bytes)
    case CURLINFO_HEADER_OUT: transcript.commandSent(bytes)
    case CURLINFO_DATA_OUT: transcript.messageDataSent()
    default: break
    }
  }
}

/// CURLOPT_READFUNCTION for SMTP uploads; `userdata` is an ``SMTPTransferState``.
let smtpReadCallback: curl_read_callback = { buffer, size, count, userdata in
  guard let buffer, let userdata else { return 0 }
  return SMTPTransferState.from(userdata).read(into: buffer, capacity: size * count)
}

/// CURLOPT_DEBUGFUNCTION capturing the SMTP dialogue; `userdata` is an ``SMTPTransferState``.
/// Nothing reaches stderr: with a debug function set, CURLOPT_VERBOSE output goes only here.
let smtpDebugCallback: curl_debug_callback = { _, type, data, size, userdata in
  guard let data, let userdata else { return 0 }
  SMTPTransferState.from(userdata).observe(type, UnsafeRawBufferPointer(start: data, count: size))
  return 0
}
