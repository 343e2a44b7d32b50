/// Where a ``CSVReader`` streams its bytes from, a chunk at a time: an open file (RundbriefApp's
/// `CSVReader(path:)`), a pipe, anything that can be read in order.
public protocol CSVByteSource: AnyObject {
    /// Reads up to `buffer.count` bytes into `buffer`.
    /// - Returns: how many bytes were read; 0 at the end of the input.
    func read(into buffer: UnsafeMutableRawBufferPointer) -> Int
    /// Consumes the next byte if it is `byte`, and leaves the input as it was otherwise.
    func skip(ifNext byte: UInt8)
}
