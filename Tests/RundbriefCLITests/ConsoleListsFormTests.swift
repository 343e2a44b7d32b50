import Foundation
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// The console's list, segment, user and key forms refuse bad requests over real HTTP and change
/// nothing: an editor posting an admin's form (403), a form without its CSRF token (403), an oversized
/// form (413), a filter with a mistake (422, the column at the field).
struct ConsoleListsFormTests {
    @Test("an editor's admin forms, forms without a CSRF token, oversized forms and broken filters change nothing")
    func refusals() async throws {
        let fixture = try OpsFixture()
        defer { fixture.remove() }
        try ListsSegmentsAPITests.prepare(fixture)
        let added = try fixture.run(
            ["users", "add", "redaktion@example.de", "--role", "editor", "--password-stdin"],
            input: Data("ein langes Passwort 1\n".utf8))
        #expect(added.status == 0)
        let daemon = try DaemonProcess(fixture: fixture)
        let browser = ConsoleSignInTests.Browser(
            port: try #require(await daemon.adminPort()), directory: fixture.directory)
        #expect(
            try ConsoleSecondFactorTests.password(browser, "redaktion@example.de", "ein langes Passwort 1")
                .status == 303)
        let page = try browser.get("/lists/nrw")
        #expect(page.status == 200)
        let csrf = try #require(HTTPClient.hiddenField("csrf", in: page.body))

        // Admins' forms: refused for an editor with the reason, nothing changes.
        let list = try browser.post("/lists", [("csrf", csrf), ("slug", "presse"), ("name", "Presse")])
        #expect(list.status == 403)
        #expect(list.body.contains("Das dürfen nur Administratorinnen und Administratoren."))
        #expect(try browser.post("/lists/nrw", [("csrf", csrf), ("name", "Umbenannt")]).status == 403)
        #expect(try browser.get("/users").status == 403)
        #expect(
            try browser.post("/users", [("csrf", csrf), ("email", "x@example.de"), ("role", "admin")]).status == 403)
        #expect(try browser.post("/api-keys", [("csrf", csrf), ("name", "skript"), ("role", "admin")]).status == 403)
        #expect(try AdminCommandTests.query(fixture, "SELECT count(*) FROM lists") == "1")
        #expect(try AdminCommandTests.query(fixture, "SELECT name FROM lists") == "NRW")
        #expect(try AdminCommandTests.query(fixture, "SELECT count(*) FROM users") == "1")
        #expect(try AdminCommandTests.query(fixture, "SELECT count(*) FROM api_keys") == "0")

        // Without the CSRF token, or over the size of a form: refused.
        let segment = [("slug", "unna"), ("where", #"kreis = "Unna""#), ("action", "save")]
        #expect(try browser.post("/lists/nrw/segments", segment).status == 403)
        #expect(try browser.post("/segments/count", [("list", "nrw"), ("where", "has kreis")]).status == 403)
        let big = try browser.post(
            "/lists/nrw/segments", [("csrf", csrf)] + segment + [("name", String(repeating: "x", count: 9_000))])
        #expect(big.status == 413)
        #expect(big.body.contains("Die Eingabe ist zu lang."))

        // A filter with a mistake: 422, the column shown at the field, nothing stored.
        let broken = try browser.post(
            "/lists/nrw/segments", [("csrf", csrf), ("slug", "unna"), ("where", "kreis = Unna"), ("action", "save")])
        #expect(broken.status == 422)
        #expect(broken.body.contains(#"aria-invalid="true""#))
        #expect(broken.body.contains("Fehler im Filter an Stelle 9: "))
        #expect(try AdminCommandTests.query(fixture, "SELECT count(*) FROM segments") == "0")

        // An editor may store a segment; it is the editor's audit event.
        let saved = try browser.post(
            "/lists/nrw/segments",
            [("csrf", csrf), ("slug", "unna"), ("where", #"kreis = "Unna""#), ("action", "save")])
        #expect(saved.status == 303)
        #expect(saved.headers["location"] == "/segments/unna")
        #expect(
            try AdminCommandTests.query(
                fixture, "SELECT json_extract(detail, '$.actor') FROM events WHERE kind = 'segment.created'")
                == "redaktion@example.de")
        daemon.signal(SIGTERM)
        #expect(await daemon.waitForExit() == 0)
    }
}
