/// The words mail servers use, lower-case and as bytes, grouped by what they mean.
/// Lists are checked in order: the first reason whose phrase matches wins, so the
/// specific recipient faults come before the broad policy words.
enum BouncePhrases {
    /// The reasons in the order their phrase lists are checked: the sender's own address
    /// refused, then the verdicts about our mail (virus, blocklist, spam, authentication,
    /// rate), then the recipient faults, then the broad policy and transient words.
    static let order: [BounceReason] = [
        .senderRejected, .virusDetected, .blocked, .spamDetected, .recipientRestricted, .authenticationFailure,
        .systemError, .rateLimited, .mailboxFull, .messageTooLarge, .hostUnknown, .userUnknown, .suspended,
        .relayDenied, .onHold, .filtered, .networkError, .blocked, .expired, .systemError, .temporary,
    ]

    static let reasons = PhraseSet(groups: [
        senderInvalid, virus, blocklisted, spam, restricted, authentication, loops, rateLimited, mailboxFull, tooLarge,
        hostUnknown, userUnknown, disabled, relayDenied, onHold, filtered, network, senderBlocked, expired,
        systemFailure, temporary,
    ])

    /// The text for phrase checks: as is when ASCII (the sets fold ASCII case themselves),
    /// else lower-cased as Unicode, so "Сообщение" and "Nie można" meet their phrases.
    static func folded(_ text: some Collection<UInt8>) -> [UInt8] {
        guard text.contains(where: { $0 >= 0x80 }) else { return Array(text) }
        return Array(String(decoding: text, as: UTF8.self).lowercased().utf8)
    }

    /// The receiving server refused our envelope sender, whatever it says about
    /// addresses after that ("Sender address rejected: Domain not found",
    /// Exim's callout "550-Response: 550 5.1.1 User unknown / 550 Sender verify failed").
    private static let senderInvalid = [
        "sender address rejected", "sender verify failed", "sender verification failed",
        "sender verify defer", "bad sender", "invalid sender", "unknown sender", "sender unknown",
        "sender address is invalid", "sender address invalid", "sender domain does not exist",
        "sender domain not found", "sender's domain does not exist", "envelope sender",
    ]

    private static let virus = [
        "virus", "malware", "infected", "trojan", "malicious", "vírus", "вирус",
    ]

    /// A blocklist or the sending host's reputation or DNS: about our servers, not the message.
    private static let blocklisted = [
        "spamhaus", "spamcop", "barracuda", "sorbs", "dnsbl", "rbl", "blacklist", "black list", "blocklist",
        "block list", "reputation", "reverse dns", "rdns", "ptr record", "no ptr", "client host rejected",
        "ip address has been blocked",
    ]

    private static let spam = [
        "spam", "junk", "unsolicited", "bulk mail", "bulk e-mail", "bulk email", "спам", "迷惑メール",
        "indésirable",
    ]

    /// SPF, DKIM and DMARC failures of our mail.
    private static let authentication = [
        "spf", "dkim", "dmarc", "sender policy framework", "unauthenticated", "authentication failed",
        "authentication failure", "failed authentication", "not authenticated", "authentication required",
        "authentication checks",
    ]

    /// A message going round in circles: the receiving side's configuration.
    private static let loops = [
        "too many hops", "hop count exceeded", "mail loop", "loop detected", "routing loop", "loops back",
        "mail loops",
    ]

    private static let rateLimited = [
        "too many connections", "too many concurrent", "too many messages", "too many mails", "too many emails",
        "too many recipients", "too many sessions", "too many simultaneous", "rate limit", "ratelimit",
        "rate-limit", "throttl", "sending rate", "rate exceeded", "exceeded the rate", "connection limit",
        "frequency limit", "temporarily deferred due to", "try to reduce", "ip frequency", "rate control",
    ]

    /// A list or group holding the message for a moderator.
    private static let onHold = [
        "held for moderation", "awaiting moderator", "moderator approval", "requires approval",
        "pending moderation", "held for approval", "waiting for approval", "message has been held",
    ]

    /// The recipient's own filter or rules refused this message.
    private static let filtered = [
        "filtered", "content filter", "mail filter", "message filter", "filter rule", "content rejected",
        "message content", "rejected by the recipient", "refused by the recipient", "blocked by the recipient",
        "blocked by recipient", "blocked by the user", "recipient has blocked", "user has blocked",
        "rejected by recipient", "prohibited attachment", "attachment not allowed",
    ]

    /// The receiving system failed.
    private static let systemFailure = [
        "system error", "internal error", "local error", "i/o error", "server error", "configuration error",
        "misconfigured", "out of memory", "database error", "local problem", "mail system full",
        "system not accepting", "internal server error",
    ]

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
        "ящик переполнен", "ящик получателя переполнен", "переполнен", "превышен размер ящика", "квота превышена",
        "容量がいっぱい",
        "容量オーバー", "容量を超え", "容量超過", "メールボックスがいっぱい", "ボックスが一杯", "casella è piena",
        "postale è piena", "è piena", "spazio insufficiente", "quota superata", "buzón está lleno",
        "buzón de correo está lleno",
        "cuota excedida", "caixa postal cheia", "caixa cheia", "caixa postal está cheia", "cota excedida",
        "postvak is vol", "postvak vol", "mailbox is vol",
        "postbus is vol", "skrzynka pocztowa jest pełna", "skrzynka jest pełna", "skrzynka pełna", "przepełnion",
        "boîte aux lettres pleine",
        "boîte aux lettres est pleine", "boite pleine", "boîte est pleine", "quota dépassé",
        "espace disque insuffisant",
    ]

    private static let tooLarge = [
        "message too large", "message too big", "message is too large", "message is too big",
        "message size exceeds", "exceeds the size limit", "exceeds size limit", "size limit exceeded",
        "message length exceeds", "exceeds the maximum size", "exceeds maximum message size",
        "message exceeds the", "mesg too big", "too large for", "nachricht ist zu groß",
        "nachricht zu groß",
        "zu groß", "zu gross", "überschreitet die maximale", "слишком больш", "превышает максимальный размер",
        "превышает допустимый размер",
        "размер письма превышает", "サイズが大きすぎ", "サイズ制限", "サイズオーバー", "サイズの上限", "サイズを超え",
        "troppo grande", "supera le dimensioni", "dimensione massima", "demasiado grande", "excede el tamaño",
        "supera el tamaño",
        "tamaño máximo", "te groot", "maximale grootte", "zbyt duż", "za duż", "przekracza maksymalny rozmiar",
        "przekracza dopuszczalny rozmiar", "trop volumineux", "trop gros", "dépasse la taille", "taille maximale",
    ]

    private static let userUnknown = [
        "user unknown", "unknown user", "no such user", "unknown recipient", "recipient unknown",
        "no such recipient", "invalid recipient", "recipient not found", "recipientnotfound",
        "recipnotfound", "has moved", "no longer with", "is no longer",
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
        "n'existe pas", "usuario desconocido", "utente sconosciuto", "usuário desconhecido",
        "usuário inexistente", "usuario inexistente", "não existe", "endereço não encontrado",
        "destinatário desconhecido", "conta não existe",
        "не существует", "нет такого", "пользователь не найден", "адрес не найден", "адресат не найден",
        "неизвестный получатель",
        "несуществующ", "получатель не найден", "存在しません", "宛先不明", "見つかりません", "存在しない",
        "ユーザが存在", "ユーザーが存在", "アドレスが見つか", "destinatario sconosciuto", "indirizzo non trovato", "non esiste",
        "utente inesistente", "casella inesistente", "impossibile trovare", "no se encontró", "no se encontro",
        "no existe",
        "destinatario desconocido", "dirección desconocida", "bestaat niet", "onbekende gebruiker",
        "onbekende ontvanger", "kan niet worden gevonden",
        "adres niet gevonden", "niet gevonden", "nie można znaleźć", "nie istnieje", "nieznany adresat",
        "nieznany użytkownik",
        "nieznany odbiorca", "adresse introuvable", "introuvable", "adresse inconnue", "inexistant",
    ]

    private static let disabled = [
        "account disabled", "account has been disabled", "account is disabled", "mailbox disabled",
        "mailbox is disabled", "mailbox has been disabled", "account is inactive", "inactive account",
        "mailbox inactive", "mailbox is inactive", "account has been suspended", "account suspended",
        "is inactive", "is disabled", "no longer active", "deactivated", "account closed", "account has been closed",
        "account expired", "gesperrt",
        "deaktiviert",
        "ящик заблокирован", "ящик отключен", "учетная запись отключена", "аккаунт заблокирован", "account disattivato",
        "casella disattivata",
        "cuenta desactivada", "cuenta deshabilitada", "cuenta suspendida", "account is uitgeschakeld",
        "konto zablokowane", "konto zostało zablokowane",
        "compte désactivé", "compte suspendu", "boîte désactivée",
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
        "null mx", "nullmx", "домен не найден", "домен не существует", "несуществующий домен", "ドメインが存在しません",
        "ドメインが見つかりません", "ドメイン名が存在しません", "dominio inesistente", "dominio sconosciuto", "dominio no existe",
        "dominio desconocido",
        "domein bestaat niet", "onbekend domein", "domena nie istnieje", "nieznana domena", "domaine inconnu",
        "domaine inexistant",
        "domaine introuvable",
    ]

    private static let relayDenied = [
        "relay access denied", "relaying denied", "not permitted to relay", "relay not permitted",
        "unable to relay", "relaying not allowed", "we do not relay", "relay denied",
        "relay not allowed",
        "not allowed to relay", "relaying not permitted", "relaying is not allowed", "no relaying",
        "as a relay",
    ]

    /// A recipient (often a group) that takes mail only from chosen or authenticated
    /// senders: nobody on a newsletter list gets through, so it counts against the address.
    private static let restricted = [
        "sendernotauthenticatedfor", "restrictedtorecipientspermission", "delivery restriction check failed",
        "only accepts messages from", "only accepts mail from", "not authorized to send to this",
        "not allowed to send to this", "not permitted to send to this", "accepts messages only from",
        "permission to post", "not allowed to post", "not a member of", "members only", "only members",
        "no permission to send", "not on the allowed list",
    ]

    /// Network trouble on the way to the recipient's server: passing, and nobody's fault.
    private static let network = [
        "connection refused", "connection timed out", "connection reset", "no route to host",
        "network is unreachable", "lost connection", "timed out while", "conversation with",
        "connect to", "server unavailable", "host unreachable", "could not connect", "unable to connect",
        "failed to connect", "network error", "broken pipe", "connection lost", "connection closed",
        "no answer from", "unexpected disconnect", "tls handshake",
    ]

    /// Our mail refused by policy with no more specific reason named.
    private static let senderBlocked = [
        "blocked", "policy", "not allowed", "listed in", "listed at", "rejected due to", "message rejected",
        "sender denied",
        "sender rejected", "banned", "suspicious", "too many", "access denied", "not authorized",
        "message refused", "mail refused", "refused to talk", "refused by", "refused due to", "refused because",
        "delivery refused", "service refused", "prohibited", "administrative prohibition", "abgelehnt",
        "gesperrt",
    ]

    private static let expired = [
        "retry timeout exceeded", "delivery time expired", "message expired", "too long in queue",
        "been in the queue too long", "could not be delivered within", "retry time exceeded",
        "delivery period expired", "maximum time", "cannot send message for",
        "retry time not reached for any host after a long failure period", "failing for a long time",
        "queue lifetime", "could not be delivered for",
    ]

    private static let temporary = [
        "temporar", "try again later", "please try again", "greylisted", "greylisting", "graylisted", "try later",
        "will be retried", "greylist", "graylist",
        "delayed",
        "deferred", "still trying", "not yet been delivered", "will retry", "will continue", "retrying",
        "vorübergehend", "verzögert", "noch nicht zugestellt",
        "временн", "повторит", "一時的", "temporaneamente", "temporalmente", "tijdelijk",
        "tymczasow", "temporairement",
    ]
}
