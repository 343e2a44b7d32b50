import HTTPTypes

/// Header names HTTPTypes does not predefine.
enum SecurityHeaders {
    /// Token URLs must never leak to another site through `Referer`.
    static let referrerPolicy = HTTPField.Name("Referrer-Policy")!
    /// For browsers that predate CSP's `frame-ancestors`.
    static let frameOptions = HTTPField.Name("X-Frame-Options")!
    static let forwardedFor = HTTPField.Name("X-Forwarded-For")!
}
