import CCurl

/// One libcurl easy handle, used by one thread at a time.
///
/// The handle keeps its connection open between transfers, which is what makes reuse work for the
/// mailbox client: options are set once and only per-message ones change between `perform` calls
/// (the SMTP transport uses one per connection, to open it with `CURLOPT_CONNECT_ONLY`). Every option
/// setter throws when libcurl refuses the value: a refused option must never leave the previous
/// transfer's value in place.
final class CurlEasyHandle {
    let raw: UnsafeMutableRawPointer
    /// libcurl writes its last error message here during `perform`.
    private let errorBuffer: UnsafeMutablePointer<CChar>

    init() throws(TransportError) {
        guard ccurl_global_init() == CURLE_OK else {
            throw TransportError(.curlUnavailable, "curl_global_init failed")
        }
        guard let raw = curl_easy_init() else {
            throw TransportError(.curlUnavailable, "curl_easy_init returned no handle")
        }
        self.raw = raw
        errorBuffer = .allocate(capacity: Int(CURL_ERROR_SIZE))
        errorBuffer.initialize(repeating: 0, count: Int(CURL_ERROR_SIZE))
        try set(CURLOPT_ERRORBUFFER, pointer: errorBuffer, name: "CURLOPT_ERRORBUFFER")
        // Threads and SIGALRM-based DNS timeouts do not mix.
        try set(CURLOPT_NOSIGNAL, 1, name: "CURLOPT_NOSIGNAL")
    }

    deinit {
        // Closes cached connections politely (SMTP QUIT, IMAP LOGOUT, POP3 QUIT).
        curl_easy_cleanup(raw)
        errorBuffer.deallocate()
    }

    func set(_ option: CURLoption, _ value: Int, name: String) throws(TransportError) {
        try check(ccurl_easy_setopt_long(raw, option, value), name)
    }

    func set(_ option: CURLoption, _ value: String?, name: String) throws(TransportError) {
        // libcurl copies strings, so the temporary C string may die after the call.
        let code =
            value.map { ccurl_easy_setopt_string(raw, option, $0) }
            ?? ccurl_easy_setopt_string(raw, option, nil)
        try check(code, name)
    }

    func set(_ option: CURLoption, pointer: UnsafeMutableRawPointer?, name: String)
        throws(TransportError)
    {
        try check(ccurl_easy_setopt_pointer(raw, option, pointer), name)
    }

    func setUploadSize(_ size: Int) throws(TransportError) {
        try check(ccurl_easy_setopt_off_t(raw, CURLOPT_INFILESIZE_LARGE, curl_off_t(size)), "CURLOPT_INFILESIZE_LARGE")
    }

    func setList(_ option: CURLoption, _ list: UnsafeMutablePointer<curl_slist>?, name: String)
        throws(TransportError)
    {
        try check(ccurl_easy_setopt_slist(raw, option, list), name)
    }

    func setReadFunction(_ callback: curl_read_callback) throws(TransportError) {
        try check(ccurl_easy_setopt_read_function(raw, callback), "CURLOPT_READFUNCTION")
    }

    func setWriteFunction(_ callback: curl_write_callback) throws(TransportError) {
        try check(ccurl_easy_setopt_write_function(raw, callback), "CURLOPT_WRITEFUNCTION")
    }

    func setDebugFunction(_ callback: curl_debug_callback) throws(TransportError) {
        try check(ccurl_easy_setopt_debug_function(raw, callback), "CURLOPT_DEBUGFUNCTION")
    }

    /// Makes transfers abortable through `flag` (see ``TransferAbortFlag``).
    func setAbortFlag(_ flag: TransferAbortFlag) throws(TransportError) {
        try check(ccurl_easy_set_abort_flag(raw, flag.pointer), "CURLOPT_XFERINFOFUNCTION")
    }

    /// Runs one transfer; blocks the calling thread until it ends.
    func perform() -> CURLcode {
        clearError()
        return curl_easy_perform(raw)
    }

    /// Empties the error buffer before a transfer (one run through a multi handle, not ``perform()``).
    func clearError() {
        errorBuffer[0] = 0
    }

    /// libcurl's explanation of the last failure: the error buffer if filled, else the code's text.
    func failureDescription(_ code: CURLcode) -> String {
        let buffered = String(cString: errorBuffer)
        return buffered.isEmpty ? String(cString: curl_easy_strerror(code)) : buffered
    }

    /// A number libcurl keeps about the last transfer; `nil` when it has none to give.
    func infoLong(_ info: CURLINFO) -> Int? {
        var value = 0
        return ccurl_easy_getinfo_long(raw, info, &value) == CURLE_OK ? value : nil
    }

    func check(_ code: CURLcode, _ name: String) throws(TransportError) {
        guard code == CURLE_OK else {
            throw TransportError(.invalidOption, "\(name): \(String(cString: curl_easy_strerror(code)))")
        }
    }
}
