import Foundation
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// The console's sign-in on the real daemon, through a client that keeps cookies as a browser does.
struct ConsoleSignInTests {
    /// A browser-like client for the admin listener: its own cookie jar, German first.
    struct Browser {
        let base: String
        let client: HTTPClient

        init(port: Int, directory: URL) {
            base = "http://127.0.0.1:\(port)"
            client = HTTPClient(cookieJar: directory.appendingPathComponent("cookies-\(UUID().uuidString)").path)
        }

        func get(_ path: String) throws -> HTTPClient.Answer {
            try client.send("GET", base + path, headers: ["Accept-Language": "de"])
        }

        func post(_ path: String, _ form: [(String, String)]) throws -> HTTPClient.Answer {
            try client.send("POST", base + path, headers: ["Accept-Language": "de"], form: form)
        }
    }

    @Test(
        "sign-in: a wrong password and a missing CSRF token are refused; a one-time password must be changed; the session survives a restart; sign-out ends it"
    )
    func signInFlow() async throws {
        let fixture = try OpsFixture()
        defer { fixture.remove() }
        let added = try fixture.run(["users", "add", "anna@example.de", "--role", "editor", "--name", "Anna"])
        let oneTime = try #require(AdminCommandTests.oneTimePassword(in: added.stdout))
        var daemon = try DaemonProcess(fixture: fixture)
        var browser = Browser(port: try #require(await daemon.adminPort()), directory: fixture.directory)

        // Anyone not signed in gets the sign-in page, under a strict policy, with a CSRF token.
        let page = try browser.get("/")
        #expect(page.status == 200)
        #expect(page.body.contains("<h1>Anmelden</h1>"))
        let policy = page.headers["content-security-policy"] ?? ""
        // Scripts only from the daemon's own files; no inline script, nothing external.
        #expect(policy.hasPrefix("default-src 'none'") && policy.contains("script-src 'self';"))
        #expect(!policy.contains("unsafe-inline") && !policy.contains("http"))
        #expect(!page.body.contains("<script>"))
        #expect(try browser.get("/assets/unknown.js").status == 404)
        #expect(try browser.get("/assets/..%2Fstyle.css").status == 404)
        #expect(page.headers["cache-control"] == "no-store")
        let csrf = try #require(HTTPClient.hiddenField("csrf", in: page.body))

        // No CSRF token: refused, nobody signed in.
        let noToken = try browser.post("/sign-in", [("email", "anna@example.de"), ("password", oneTime)])
        #expect(noToken.status == 403)
        let forged = try browser.post(
            "/sign-in", [("csrf", "forged"), ("email", "anna@example.de"), ("password", oneTime)])
        #expect(forged.status == 403)
        #expect(try AdminCommandTests.query(fixture, "SELECT count(*) FROM sessions") == "0")

        // A wrong password, and an unknown address, get the same answer.
        let fresh = try #require(HTTPClient.hiddenField("csrf", in: try browser.get("/").body))
        let wrong = try browser.post(
            "/sign-in", [("csrf", fresh), ("email", "anna@example.de"), ("password", "falsches Passwort")])
        #expect(wrong.status == 401)
        #expect(wrong.body.contains("Die E-Mail-Adresse oder das Passwort ist falsch."))
        let unknownToken = try #require(HTTPClient.hiddenField("csrf", in: wrong.body))
        let unknown = try browser.post(
            "/sign-in", [("csrf", unknownToken), ("email", "niemand@example.de"), ("password", "falsches Passwort")])
        #expect(unknown.status == 401)
        #expect(unknown.body.contains("Die E-Mail-Adresse oder das Passwort ist falsch."))
        #expect(try AdminCommandTests.query(fixture, "SELECT count(*) FROM sessions") == "0")
        _ = csrf

        // The one-time password signs in, straight to the password change.
        let token = try #require(HTTPClient.hiddenField("csrf", in: unknown.body))
        let signedIn = try browser.post(
            "/sign-in", [("csrf", token), ("email", "anna@example.de"), ("password", oneTime)])
        #expect(signedIn.status == 303)
        #expect(signedIn.headers["location"] == "/password")
        let cookie = try #require(
            signedIn.headers["set-cookie"]?.split(separator: "\n").first { $0.hasPrefix("rundbrief_session=") })
        #expect(cookie.contains("HttpOnly") && cookie.contains("SameSite=Strict"))
        #expect(!cookie.contains("Secure"))  // admin.base_url is loopback http in this test
        #expect(try browser.get("/").headers["location"] == "/password")
        // With only the one-time password nothing else opens: every page sends the person back.
        for path in ["/editions", "/sends", "/subscribers", "/lists", "/users", "/bounces"] {
            let held = try browser.get(path)
            #expect(held.status == 303 && held.headers["location"] == "/", "\(path)")
        }

        let form = try browser.get("/password")
        #expect(form.status == 200)
        let sessionToken = try #require(HTTPClient.hiddenField("csrf", in: form.body))
        let change = [("current", oneTime), ("new", "ein eigenes Passwort"), ("repeat", "ein eigenes Passwort")]
        #expect(try browser.post("/password", change).status == 403)
        let changed = try browser.post("/password", [("csrf", sessionToken)] + change)
        #expect(changed.status == 303)
        #expect(changed.headers["location"] == "/")

        let dashboard = try browser.get("/")
        #expect(dashboard.status == 200)
        #expect(dashboard.body.contains("<h1>Übersicht</h1>") && dashboard.body.contains("Abmelden"))

        // Sessions are in the database: a restart signs nobody out.
        daemon.signal(SIGTERM)
        #expect(await daemon.waitForExit() == 0)
        try FileManager.default.removeItem(atPath: fixture.stderrPath)  // the new daemon's port is in a new log
        daemon = try DaemonProcess(fixture: fixture)
        browser = Browser(port: try #require(await daemon.adminPort()), client: browser.client)
        let afterRestart = try browser.get("/")
        #expect(afterRestart.body.contains("<h1>Übersicht</h1>"))

        // Sign-out needs the session's token too.
        #expect(try browser.post("/sign-out", []).status == 403)
        #expect(try browser.get("/").body.contains("<h1>Übersicht</h1>"))
        let out = try browser.post("/sign-out", [("csrf", sessionToken)])
        #expect(out.status == 303)
        #expect(try browser.get("/").body.contains("<h1>Anmelden</h1>"))
        #expect(try AdminCommandTests.query(fixture, "SELECT count(*) FROM sessions") == "0")

        // The new password works, the one-time one no longer does.
        let again = try #require(HTTPClient.hiddenField("csrf", in: try browser.get("/").body))
        let old = try browser.post("/sign-in", [("csrf", again), ("email", "anna@example.de"), ("password", oneTime)])
        #expect(old.status == 401)
        let next = try #require(HTTPClient.hiddenField("csrf", in: old.body))
        let mine = try browser.post(
            "/sign-in", [("csrf", next), ("email", "anna@example.de"), ("password", "ein eigenes Passwort")])
        #expect(mine.status == 303 && mine.headers["location"] == "/")

        #expect(
            try AdminCommandTests.query(
                fixture, "SELECT group_concat(kind) FROM (SELECT kind FROM events WHERE kind LIKE 'user.%' ORDER BY id)"
            )
                == "user.added,user.sign_in_failed,user.signed_in,user.password_changed,user.signed_out,"
                + "user.sign_in_failed,user.signed_in")
        daemon.signal(SIGTERM)
        #expect(await daemon.waitForExit() == 0)
    }

    @Test("after five failed sign-ins the account is held back, even with the right password")
    func throttled() async throws {
        let fixture = try OpsFixture()
        defer { fixture.remove() }
        let chosen = try fixture.run(
            ["users", "add", "ben@example.de", "--role", "admin", "--password-stdin"],
            input: Data("ein langes Passwort 1\n".utf8))
        #expect(chosen.status == 0)
        let daemon = try DaemonProcess(fixture: fixture)
        let browser = Browser(port: try #require(await daemon.adminPort()), directory: fixture.directory)
        var page = try browser.get("/")
        for _ in 0..<5 {
            let token = try #require(HTTPClient.hiddenField("csrf", in: page.body))
            page = try browser.post(
                "/sign-in", [("csrf", token), ("email", "ben@example.de"), ("password", "geraten")])
            #expect(page.status == 401)
        }
        let token = try #require(HTTPClient.hiddenField("csrf", in: page.body))
        let held = try browser.post(
            "/sign-in", [("csrf", token), ("email", "ben@example.de"), ("password", "ein langes Passwort 1")])
        #expect(held.status == 401)
        #expect(held.body.contains("Zu viele fehlgeschlagene Anmeldungen"))
        #expect(try AdminCommandTests.query(fixture, "SELECT count(*) FROM sessions") == "0")

        // An address without an account is held back after as many failures, with the same words:
        // the hold-back tells nobody whether an account exists.
        page = held
        for _ in 0..<6 {
            let token = try #require(HTTPClient.hiddenField("csrf", in: page.body))
            page = try browser.post(
                "/sign-in", [("csrf", token), ("email", "niemand@example.de"), ("password", "geraten")])
            #expect(page.status == 401)
        }
        #expect(page.body.contains("Zu viele fehlgeschlagene Anmeldungen"))
        daemon.signal(SIGTERM)
        #expect(await daemon.waitForExit() == 0)
    }

    @Test(
        "slow guessing tells nobody who has an account: after the failures it leaves stored, a wrong password gets the same answer as an unknown address, and the right one works"
    )
    func slowGuessingTellsNothing() async throws {
        let fixture = try OpsFixture()
        defer { fixture.remove() }
        let chosen = try fixture.run(
            ["users", "add", "ben@example.de", "--role", "admin", "--password-stdin"],
            input: Data("ein langes Passwort 1\n".utf8))
        #expect(chosen.status == 0)
        // What one guess every few minutes leaves behind: many failures on the account, the last one just
        // now. The throttle counts failures within its window only, so it holds back none of those guesses.
        _ = try ChildProcess.python(
            """
            import datetime, sqlite3, sys
            db = sqlite3.connect(sys.argv[1])
            now = datetime.datetime.now(datetime.timezone.utc).strftime('%Y-%m-%d %H:%M:%S.%f')[:-3]
            db.execute("UPDATE users SET failed_sign_ins = 40, last_failed_at = ? WHERE email = 'ben@example.de'", (now,))
            db.commit()
            """, [fixture.databasePath])
        #expect(try AdminCommandTests.query(fixture, "SELECT failed_sign_ins FROM users") == "40")
        let daemon = try DaemonProcess(fixture: fixture)
        let browser = Browser(port: try #require(await daemon.adminPort()), directory: fixture.directory)
        func attempt(_ email: String, _ password: String) throws -> HTTPClient.Answer {
            let token = try #require(HTTPClient.hiddenField("csrf", in: try browser.get("/").body))
            return try browser.post("/sign-in", [("csrf", token), ("email", email), ("password", password)])
        }

        let known = try attempt("ben@example.de", "geraten")
        let unknown = try attempt("niemand@example.de", "geraten")
        #expect(known.status == 401 && unknown.status == 401)
        #expect(known.body.contains("Die E-Mail-Adresse oder das Passwort ist falsch."))
        #expect(unknown.body.contains("Die E-Mail-Adresse oder das Passwort ist falsch."))
        let right = try attempt("ben@example.de", "ein langes Passwort 1")
        #expect(right.status == 303)
        #expect(try AdminCommandTests.query(fixture, "SELECT count(*) FROM sessions") == "1")
        daemon.signal(SIGTERM)
        #expect(await daemon.waitForExit() == 0)
    }
}

extension ConsoleSignInTests.Browser {
    /// The same browser (its cookie jar) talking to a restarted daemon on another port.
    init(port: Int, client: HTTPClient) {
        base = "http://127.0.0.1:\(port)"
        self.client = client
    }
}
