/// The words mail servers use, lower-case and as bytes, grouped by what they mean.
/// Lists are checked in order: the first reason whose phrase matches wins, so the
/// specific recipient faults come before the broad policy words.
enum BouncePhrases {
    /// The reasons in the order their phrase lists are checked.
    static let order: [BounceReason] = [
        .mailboxFull, .messageTooLarge, .hostUnknown, .userUnknown, .mailboxDisabled, .relayDenied,
        .senderBlocked,
        .expired, .temporary,
    ]

    static let reasons = PhraseSet(groups: [
        mailboxFull, tooLarge, hostUnknown, userUnknown, disabled, relayDenied, senderBlocked, expired,
        temporary,
    ])

    private static let mailboxFull = [
        "over quota", "overquota", "quota exceeded", "exceeded quota", "exceeds quota", "quota limit",
        "exceeded the quota", "exceed the quota", "exceeded their quota", "exceeded its quota",
        "mailbox full",
        "mailbox is full", "mailbox was full", "inbox is full", "inbox full", "mailbox has exceeded",
        "mailbox size limit", "insufficient storage", "out of storage", "storage limit",
        "storage quota",
        "mailboxfull", "over its quota", "over their quota", "user is over",
        "exceeded storage allocation",
        "postfach ist voll", "postfach voll", "speicherplatz", "quota überschritten",
        "quota ueberschritten",
        "boîte pleine", "casella piena", "buzón lleno",
    ]

    private static let tooLarge = [
        "message too large", "message too big", "message is too large", "message is too big",
        "message size exceeds", "exceeds the size limit", "exceeds size limit", "size limit exceeded",
        "message length exceeds", "exceeds the maximum size", "exceeds maximum message size",
        "message exceeds the", "mesg too big", "too large for", "nachricht ist zu groß",
        "nachricht zu groß",
    ]

    private static let userUnknown = [
        "user unknown", "unknown user", "no such user", "unknown recipient", "recipient unknown",
        "no such recipient", "invalid recipient", "recipient not found", "recipientnotfound",
        "recipnotfound",
        "address not found", "addressnotfound", "mailbox not found", "mailbox unavailable",
        "mailbox does not exist", "mailbox doesn't exist", "mailbox not available", "no mailbox",
        "no such mailbox",
        "does not exist", "doesn't exist", "does not have an account", "not a valid mailbox",
        "invalid mailbox",
        "invalid address", "unknown address", "unknown local part", "unknown or illegal alias",
        "no such address", "user not found", "user doesn't have",
        "account does not exist", "not listed in", "couldn't be found", "could not be found",
        "not a valid user", "bad destination mailbox", "no valid recipients",
        "recipient address rejected: access denied",
        "recipient address rejected: user", "recipient rejected", "not our customer", "no longer valid",
        "no longer available", "is not a known user", "address unknown", "unknown mailbox",
        "mailbox unknown",
        "no account", "doesn't have a", "dosn't exist", "not exist", "benutzer unbekannt",
        "unbekannter benutzer",
        "unbekannter empfänger", "empfänger unbekannt", "existiert nicht", "gibt es nicht",
        "ungültige adresse",
        "ungültiger empfänger", "adresse unbekannt", "nicht gefunden", "utilisateur inconnu",
        "destinataire inconnu",
        "n'existe pas", "usuario desconocido", "utente sconosciuto",
    ]

    private static let disabled = [
        "account disabled", "account has been disabled", "account is disabled", "mailbox disabled",
        "mailbox is disabled", "mailbox has been disabled", "account is inactive", "inactive account",
        "mailbox inactive", "mailbox is inactive", "account has been suspended", "account suspended",
        "deactivated", "account closed", "account has been closed", "account expired", "gesperrt",
        "deaktiviert",
    ]

    private static let hostUnknown = [
        "host not found", "host unknown", "unrouteable address", "unroutable address", "unknown host",
        "no such domain", "domain not found",
        "domain does not exist", "unrouteable domain", "unroutable domain", "no mx", "mx record",
        "name or service not known", "nxdomain", "domain name not found",
        "host or domain name not found",
        "bad destination system", "invalid domain", "unknown domain", "domain not exist",
        "no route to domain",
        "couldn't find any host", "could not find any host",
        "all relevant mx records point to non-existent hosts", "domain nicht gefunden",
        "unbekannte domain",
    ]

    private static let relayDenied = [
        "relay access denied", "relaying denied", "not permitted to relay", "relay not permitted",
        "unable to relay", "relaying not allowed", "we do not relay", "relay denied",
        "relay not allowed",
        "not allowed to relay", "relaying not permitted", "relaying is not allowed", "no relaying",
    ]

    private static let senderBlocked = [
        "spam", "blocked", "blacklist", "black list", "blocklist", "block list", "listed in",
        "listed at",
        "spamhaus", "spamcop", "barracuda", "sorbs", "dnsbl", "rbl", "reputation", "policy",
        "not allowed",
        "content rejected", "rejected due to", "message rejected", "spf", "dmarc", "dkim",
        "sender denied",
        "sender rejected", "sender address rejected", "banned", "junk", "virus", "malware",
        "suspicious",
        "unsolicited", "bulk mail", "reverse dns", "rdns", "ptr record", "too many", "rate limit",
        "ratelimit",
        "throttl", "access denied", "not authorized", "unauthenticated", "authentication", "refused",
        "abgelehnt", "gesperrt",
    ]

    private static let expired = [
        "retry timeout exceeded", "delivery time expired", "message expired", "too long in queue",
        "been in the queue too long", "could not be delivered within", "retry time exceeded",
        "delivery period expired", "maximum time", "giving up",
    ]

    private static let temporary = [
        "temporar", "try again later", "try later", "will be retried", "greylist", "graylist",
        "delayed",
        "deferred", "still trying", "not yet been delivered", "will retry", "will continue", "retrying",
        "vorübergehend", "verzögert", "noch nicht zugestellt",
    ]
}
