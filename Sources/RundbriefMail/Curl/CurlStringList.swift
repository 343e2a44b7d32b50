import CCurl

/// A `curl_slist` that lives as long as this value; libcurl does not copy lists.
final class CurlStringList {
    private(set) var raw: UnsafeMutablePointer<curl_slist>?

    init(_ items: [String]) {
        for item in items {
            raw = curl_slist_append(raw, item)
        }
    }

    deinit {
        curl_slist_free_all(raw)
    }
}
