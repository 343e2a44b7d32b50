/// How the filter language compares text: without regard to case, over all of Unicode (`ÜNNA` is
/// `ünna`). The store folds both the subscriber's field and the filter's text with this function.
public enum SegmentText {
    /// `text` lower-cased; ASCII takes a fast path, as almost every attribute value is ASCII.
    public static func fold(_ text: String) -> String {
        var isLowerASCII = true
        for byte in text.utf8 where byte >= 0x80 || (byte >= 0x41 && byte <= 0x5A) {
            isLowerASCII = false
            break
        }
        return isLowerASCII ? text : text.lowercased()
    }
}
