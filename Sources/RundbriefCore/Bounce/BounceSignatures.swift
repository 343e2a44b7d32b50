/// The marks that give a non-standard bounce away: who sends it, what its subject
/// says, what its text says, and where the returned original starts.
enum BounceSignatures {

    /// Local parts and display names of the daemons that send bounces.
    static let daemonLocalParts: Set<String> = [
        "mailer-daemon", "postmaster", "mail-daemon", "mailerdaemon", "maildaemon", "mailer_daemon",
        "mdaemon",
        "mail.daemon", "double-bounce", "post_master", "post-master", "mailer", "mail-delivery",
        "maildelivery",
        "bounce", "bounces",
    ]
    static let daemonNames = PhraseSet([
        "mail delivery", "mailer-daemon", "mailer daemon", "postmaster", "mail administrator",
        "mail system",
        "maildelivery", "mail-daemon", "mdaemon",
    ])

    static let subjects = PhraseSet([
        "undeliverable", "undelivered", "undeliverd", "not delivered", "delivery failure",
        "delivery failed",
        "failure notice", "returned mail", "mail delivery failed", "delivery status notification",
        "delivery notification", "delivery problem", "nondeliverable", "non-deliverable", "non remis",
        "could not be delivered", "couldn't be delivered", "message not delivered", "mail system error",
        "delivery report", "delivery has failed", "returned to sender", "mail failure",
        "failed delivery",
        "unzustellbar", "nicht zustellbar", "zustellung fehlgeschlagen", "fehlgeschlagen",
        "unzustellbare",
        "non recapitabile", "no se puede entregar", "onbestelbaar", "delayed mail", "delivery delayed",
        "message delayed", "delivery warning", "warning: could not send", "mail delivery problem",
        "delivery final failure", "message status - undeliverable", "undeliverable mail", "rejected:",
        "returned message", "mail could not be delivered", "benachrichtigung zum übermittlungsstatus",
        "übermittlungsstatus", "unable to deliver", "zustellungsbericht", "failure delivery",
        "delivery status",
        "undeliverable message", "nicht zugestellt",
        "не доставлено", "недоставленное", "не удалось доставить", "ошибка доставки", "возврат письма",
        "配信エラー", "配送エラー", "送信エラー", "配送失敗", "配信失敗",
        "不達", "エラーメール", "recapito non riuscito", "mancato recapito", "impossibile recapitare",
        "no entregado", "error en la entrega", "niet bezorgd", "onbestelbaar", "niedostarczalne",
        "niedostarczona", "nie dostarczono", "échec de la remise", "non délivré", "non distribuable",
        "message non remis", "não entregue", "falha na entrega", "mensagem não entregue", "permanent delivery failure",
        "failure notice",
    ])

    /// Banners that only NDRs carry.
    static let strongBodies = PhraseSet([
        "this message was created automatically by mail delivery software",
        "this is the qmail-send program",
        "i'm afraid i wasn't able to deliver", "this is the mail system at host",
        "the following addresses had permanent fatal errors", "delivery has failed to these recipients",
        "transcript of session follows", "failed addresses follow", "did not reach some or all",
        "automatically generated delivery status notification", "delivery to the following recipient",
        "remote server returned", "the following addresses had transient non-fatal errors",
        "this is a delivery status notification",
        "your message cannot be delivered to the following recipients",
        "the original message was received at", "delivery to the following recipients failed",
        "this is the dragonfly mail agent", "there was an error delivering your mail to",
        "an error has occurred while attempting to deliver a message", "the group you tried to contact",
    ])

    static let bodies = PhraseSet([
        "this message was created automatically by mail delivery software",
        "this is the qmail-send program", "i'm afraid i wasn't able to deliver",
        "this is the mail system at host",
        "the following addresses had permanent fatal errors",
        "the following addresses had transient non-fatal errors",
        "delivery has failed to these recipients", "delivery to the following recipient",
        "your message could not be delivered",
        "your message wasn't delivered", "your message was not delivered",
        "message could not be delivered",
        "could not be delivered to one or more", "unable to deliver", "we were unable to deliver",
        "was not delivered to",
        "did not reach some or all", "did not reach the following",
        "delivery to the following recipients failed",
        "automatically generated delivery status notification", "cannot be delivered",
        "could not be delivered",
        "couldn't be delivered", "wasn't delivered", "undeliverable", "permanent error",
        "delivery failed",
        "failed addresses follow", "transcript of session follows",
        "the original message was received at",
        "konnte nicht zugestellt werden", "nicht zugestellt werden", "unzustellbar",
        "zustellung fehlgeschlagen",
        "die nachricht konnte nicht", "nicht zugestellt", "has not yet been delivered",
        "not been delivered",
        "delivery attempts will continue", "message delayed", "could not deliver", "delivery failure",
        "mail delivery failed", "undelivered mail", "was undeliverable", "not able to deliver",
        "non-delivery",
        "the following recipient(s) could not be reached", "following recipient(s) cannot be reached",
        "address not found", "message not delivered", "the message you sent", "remote server returned",
        "returned mail", "delivery status notification", "nondeliverable",
        "le message n'a pas pu être remis",
        "non è stato possibile recapitare", "no se pudo entregar", "no such user", "user unknown",
        "unknown user",
        "invalid user", "mailbox unavailable", "recipient address rejected", "does not exist",
        "an error has occurred while attempting to deliver", "delivery problems", "failed recipient",
        "permanent failure", "could not be sent", "unable to deliver",
        "не может быть доставлено", "не удалось доставить", "не было доставлено", "не доставлено", "送信に失敗しました",
        "配送できませんでした", "送信できませんでした", "配信できませんでした", "届けることができませんでした", "recapito non riuscito",
        "impossibile recapitare", "error en la entrega", "no se puede entregar", "bezorging is mislukt",
        "kan niet worden bezorgd",
        "kon niet worden bezorgd", "nie można dostarczyć", "nie została dostarczona", "dostarczenie do tych adresatów",
        "n'a pas pu être délivré",
        "n'a pas pu être remis", "n'a pas pu être distribué", "impossible de remettre", "failed to deliver",
        "não foi possível entregar", "não pôde ser entregue", "não foi entregue", "falha na entrega",
        "delivery has failed",
        "could not be reached", "fatal delivery errors",
    ])

    /// Words that say a delivery is only late, not given up.
    static let delayed = PhraseSet([
        "has not yet been delivered", "delivery attempts will continue", "will continue to try",
        "will keep trying", "still trying", "warning: could not send", "transient non-fatal",
        "will be retried",
        "noch nicht zugestellt", "not yet been delivered", "no action is required", "is delayed",
        "been delayed",
        "delivery delayed", "message delayed", "(delay)", "delayed mail", "verzögert",
        "wird weiter versucht",
        "задержка доставки", "доставка задерживается", "配信が遅延", "遅延しています", "recapito ritardato",
        "entrega retrasada", "vertraagd", "opóźnion", "remise différée", "retardé",
        "still being retried", "will be retried until",
    ])

    /// Words of a notice that a message *was* delivered or relayed (Exchange's "Delivered:"
    /// and "Relayed:" receipts, a DSN's "(Success)"), which a daemon sends like a bounce.
    static let successSubjects = PhraseSet([
        "delivered:", "relayed:", "zugestellt:", "weitergeleitet:", "remis :", "remis:", "delivery receipt",
        "(success)", "(relay)", "successful delivery", "successfully delivered",
    ])
    static let successBodies = PhraseSet([
        "has been delivered to the following", "delivery to these recipients or groups is complete",
        "was successfully delivered", "successfully delivered to", "your message was delivered to",
        "delivery to the following recipients succeeded", "delivery to the following recipient succeeded",
        "wurde an die folgenden empfänger übermittelt", "zustellung an diese empfänger oder gruppen ist abgeschlossen",
    ])
    /// Words that a success notice never carries.
    static let failureWords = PhraseSet([
        "undeliverable", "undelivered", "not delivered", "could not be delivered", "couldn't be delivered",
        "delivery failed", "delivery has failed", "failure", "failed", "permanent error", "rejected",
        "unzustellbar", "nicht zugestellt", "fehlgeschlagen", "delay", "retry", "retried",
    ])

    /// Lines that start the returned original in an inline NDR.
    static let originalMarkers = PhraseSet([
        "this is a copy of the message", "below this line is a copy of the message",
        "original message follows",
        "message text follows", "-----original message-----", "----- original message -----",
        "original message headers",
        "unsent message below", "----- returned message", "the header of the original message",
        "message headers follow", "original message header", "headers of your message",
        "here is the original message",
        "the original message is attached", "------ original message", "-- the header and top",
        "rfc822-headers", "message/rfc822", "----- message header follows",
        "------ message header follows",
        "original mail follows", "copy of the original message", "kopie der nachricht",
        "ursprüngliche nachricht",
        "originalnachricht", "--- below this line", "------ this is a copy",
        "original message text follows",
        "original message headers", "исходного письма", "копия вашего письма", "元のメッセージ",
        "intestazioni del messaggio originale",
        "encabezados del mensaje original", "oorspronkelijke berichtkoppen", "nagłówki oryginalnej wiadomości",
        "en-têtes du message", "copie du message",
    ])

    /// Header names whose appearance at a line start means header lines (the original) begin.
    static let headerLineStarts = PhraseSet([
        "received: ", "return-path:", "dkim-signature:", "x-original-to:", "delivered-to:",
        "mime-version:",
        "content-type:", "authentication-results:", "arc-seal:", "message-id:", "x-rundbrief-delivery:",
    ])

}
