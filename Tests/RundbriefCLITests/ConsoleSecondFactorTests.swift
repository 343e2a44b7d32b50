import Foundation
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// Optional TOTP for admins on the real daemon, through a client that keeps cookies as a browser does.
/// Codes are computed by Python's `hmac` from the key the console shows (RFC 6238), independently of
/// the daemon's HummingbirdOTP.
struct ConsoleSecondFactorTests {
    /// The TOTP code of `key` (base32) for the time step `offset` steps from now.
    static func code(_ key: String, offset: Int) throws -> String {
        let script = """
            import base64, hashlib, hmac, struct, sys, time
            key = base64.b32decode(sys.argv[1] + "=" * (-len(sys.argv[1]) % 8))
            step = int(time.time() // 30) + int(sys.argv[2])
            digest = hmac.new(key, struct.pack(">Q", step), hashlib.sha1).digest()
            start = digest[-1] & 15
            print("%06d" % ((struct.unpack(">I", digest[start:start + 4])[0] & 0x7FFFFFFF) % 1000000))
            """
        let result = try ChildProcess.run(
            URL(fileURLWithPath: "/usr/bin/env"), ["python3", "-c", script, key, String(offset)])
        return result.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// Signs in with the password; returns the answer (a redirect, or the page asking for the code).
    static func password(_ browser: ConsoleSignInTests.Browser, _ email: String, _ password: String) throws
        -> HTTPClient.Answer
    {
        let token = try #require(HTTPClient.hiddenField("csrf", in: try browser.get("/").body))
        return try browser.post("/sign-in", [("csrf", token), ("email", email), ("password", password)])
    }

    @Test(
        "TOTP: set up with a first code; sign-in then asks for it: a wrong code and a replayed code are refused, the right one accepted; reset-totp recovers"
    )
    func secondFactor() async throws {
        let fixture = try OpsFixture()
        defer { fixture.remove() }
        let secret = "ein langes Passwort 1"
        for (email, role) in [("admin@example.de", "admin"), ("redaktion@example.de", "editor")] {
            let added = try fixture.run(
                ["users", "add", email, "--role", role, "--password-stdin"], input: Data((secret + "\n").utf8))
            #expect(added.status == 0)
        }
        let daemon = try DaemonProcess(fixture: fixture)
        let port = try #require(await daemon.adminPort())
        let browser = ConsoleSignInTests.Browser(port: port, directory: fixture.directory)

        // An editor may not turn it on.
        let editor = ConsoleSignInTests.Browser(port: port, directory: fixture.directory)
        #expect(try Self.password(editor, "redaktion@example.de", secret).status == 303)
        let editorPage = try editor.get("/account/totp")
        let editorToken = try #require(HTTPClient.hiddenField("csrf", in: editorPage.body))
        #expect(try editor.post("/account/totp/start", [("csrf", editorToken)]).status == 403)

        // The admin sets it up: the link and the key as text, confirmed by a first code.
        #expect(try Self.password(browser, "admin@example.de", secret).headers["location"] == "/")
        let page = try browser.get("/account/totp")
        #expect(page.status == 200)
        let csrf = try #require(HTTPClient.hiddenField("csrf", in: page.body))
        #expect(try browser.post("/account/totp/start", []).status == 403)  // no CSRF token
        let setup = try browser.post("/account/totp/start", [("csrf", csrf)])
        #expect(setup.status == 200)
        let url = try #require(
            setup.body.range(of: "otpauth://totp/").map { String(setup.body[$0.lowerBound...].prefix { $0 != "<" }) })
        #expect(url.hasPrefix("otpauth://totp/Rundbrief:admin@example.de?secret="))
        let key = String(url.split(separator: "secret=")[1].prefix { $0 != "&" })
        #expect(key.count == 32)
        #expect(setup.body.contains(String(key.prefix(4)) + " " + String(key.dropFirst(4).prefix(4))))
        let wrongFirst = try browser.post("/account/totp/confirm", [("csrf", csrf), ("code", "000000")])
        #expect(wrongFirst.status == 422)
        #expect(wrongFirst.body.contains("Der Code ist falsch oder wurde schon verwendet."))
        #expect(try AdminCommandTests.query(fixture, "SELECT count(totp_secret) FROM users") == "0")
        let on = try browser.post("/account/totp/confirm", [("csrf", csrf), ("code", try Self.code(key, offset: 0))])
        #expect(on.status == 200)
        #expect(on.body.contains("Eingeschaltet."))
        #expect(try AdminCommandTests.query(fixture, "SELECT count(totp_secret) FROM users") == "1")
        let out = try browser.post("/sign-out", [("csrf", csrf)])
        #expect(out.status == 303)

        // The password alone no longer signs in: the code is asked for, no session yet.
        let asked = try Self.password(browser, "admin@example.de", secret)
        #expect(asked.status == 200)
        #expect(asked.body.contains("<h1>Code eingeben</h1>"))
        #expect(try AdminCommandTests.query(fixture, "SELECT count(*) FROM sessions WHERE user_id = 1") == "0")

        // A wrong code is refused.
        let codeToken = try #require(HTTPClient.hiddenField("csrf", in: asked.body))
        let wrong = try browser.post("/sign-in/code", [("csrf", codeToken), ("code", "123456")])
        #expect(wrong.status == 401)
        #expect(wrong.body.contains("Der Code ist falsch oder wurde schon verwendet."))
        #expect(try AdminCommandTests.query(fixture, "SELECT count(*) FROM sessions WHERE user_id = 1") == "0")

        // The right code (the next step: the setup's code was for this one) signs in.
        let next = try Self.code(key, offset: 1)
        // Without the form's token the code is not even looked at.
        let noToken = try browser.post("/sign-in/code", [("code", next)])
        #expect(noToken.status == 403)
        let retryToken = try #require(HTTPClient.hiddenField("csrf", in: noToken.body))
        let right = try browser.post("/sign-in/code", [("csrf", retryToken), ("code", next)])
        #expect(right.status == 303)
        #expect(right.headers["location"] == "/")
        let dashboard = try browser.get("/")
        #expect(dashboard.body.contains("<h1>Übersicht</h1>"))
        let sessionToken = try #require(HTTPClient.hiddenField("csrf", in: dashboard.body))
        #expect(try browser.post("/sign-out", [("csrf", sessionToken)]).status == 303)

        // The same code once more, with the right password: refused (a replay).
        let again = try Self.password(browser, "admin@example.de", secret)
        let againToken = try #require(HTTPClient.hiddenField("csrf", in: again.body))
        let replay = try browser.post("/sign-in/code", [("csrf", againToken), ("code", next)])
        #expect(replay.status == 401)
        #expect(try AdminCommandTests.query(fixture, "SELECT count(*) FROM sessions WHERE user_id = 1") == "0")

        // A code without the password first is no sign-in.
        let stranger = ConsoleSignInTests.Browser(port: port, directory: fixture.directory)
        let strangerToken = try #require(HTTPClient.hiddenField("csrf", in: try stranger.get("/").body))
        let guessed = try stranger.post(
            "/sign-in/code", [("csrf", strangerToken), ("code", try Self.code(key, offset: 0))])
        #expect(guessed.status == 401)
        #expect(guessed.body.contains("Die Anmeldung ist abgelaufen."))

        // Recovery: an admin turns it off from the shell; the password alone signs in again.
        let reset = try fixture.run(["users", "reset-totp", "admin@example.de"])
        #expect(reset.status == 0, "\(reset.stderr)")
        #expect(try Self.password(browser, "admin@example.de", secret).headers["location"] == "/")

        #expect(
            try AdminCommandTests.query(
                fixture,
                "SELECT group_concat(kind) FROM (SELECT kind FROM events WHERE kind LIKE 'user.totp%' ORDER BY id)")
                == "user.totp_enabled,user.totp_failed,user.totp_failed,user.totp_reset")
        daemon.signal(SIGTERM)
        #expect(await daemon.waitForExit() == 0)
    }
}
