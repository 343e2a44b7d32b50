import RundbriefApp

extension Console {
    /// The console's own sentences.
    enum Text {
        case formExpired, formTooLarge, repeatDiffers
    }

    static func text(_ text: Text, _ language: Language) -> String {
        switch (text, language) {
        case (.formExpired, .de):
            "Das Formular ist abgelaufen. Bitte laden Sie die Seite neu und versuchen Sie es noch einmal."
        case (.formExpired, .en): "The form has expired. Please reload the page and try again."
        case (.formTooLarge, .de): "Die Eingabe ist zu lang."
        case (.formTooLarge, .en): "The input is too long."
        case (.repeatDiffers, .de): "Die beiden neuen Passwörter stimmen nicht überein."
        case (.repeatDiffers, .en): "The two new passwords differ."
        }
    }

    /// The application layer's message, in German where the console knows it.
    static func translated(_ error: OperationError, _ language: Language) -> String {
        guard language == .de else { return error.message }
        return german[error.message] ?? editionsGerman[error.message] ?? germanSends(error.message)
            ?? germanPeople(error.message) ?? error.message
    }

    private static let german: [String: String] = [
        "the e-mail address or the password is wrong": "Die E-Mail-Adresse oder das Passwort ist falsch.",
        "too many failed sign-ins: wait 15 minutes and try again":
            "Zu viele fehlgeschlagene Anmeldungen: Bitte warten Sie 15 Minuten und versuchen Sie es dann noch einmal.",
        "the current password is wrong": "Das bisherige Passwort ist falsch.",
        "a password needs at least 12 characters": "Ein Passwort braucht mindestens 12 Zeichen.",
        "a password may have at most 72 bytes (bcrypt reads no further)":
            "Ein Passwort darf höchstens 72 Bytes lang sein.",
        "a password must not be the e-mail address": "Das Passwort darf nicht die E-Mail-Adresse sein.",
        "a password must be one line": "Das Passwort muss aus einer Zeile bestehen.",
        "the new password must differ from the current one":
            "Das neue Passwort muss sich vom bisherigen unterscheiden.",
        "the session has ended; please sign in again": "Die Sitzung ist abgelaufen. Bitte melden Sie sich neu an.",
    ].merging(listsAndUsersGerman) { own, _ in own }.merging(peopleGerman) { own, _ in own }
}
