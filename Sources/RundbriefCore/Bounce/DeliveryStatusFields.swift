/// The fields of an RFC 3464 message/delivery-status body: per-message fields, then
/// one block per recipient. Tolerates missing blank lines between blocks, folded
/// fields and junk lines.
struct DeliveryStatusFields {
    struct Recipient {
        var finalRecipient: String?
        var originalRecipient: String?
        var action: String?
        var status: String?
        var diagnosticCode: String?
        var remoteMTA: String?

        /// Postfix writes Final- before Original-Recipient, the RFC the other way round:
        /// either starts a new block only once the current one has an outcome.
        var hasOutcome: Bool { action != nil || status != nil }

        var isEmpty: Bool {
            finalRecipient == nil && originalRecipient == nil && action == nil && status == nil
        }
    }

    var reportingMTA: String?
    var arrivalDate: String?
    var recipients: [Recipient] = []

    init(_ body: [UInt8]) {
        var current = Recipient()
        for field in Self.fields(body) {
            guard let (name, value) = field else {
                flush(&current)
                continue
            }
            switch name {
            case "original-recipient":
                if current.originalRecipient != nil || current.hasOutcome { flush(&current) }
                current.originalRecipient = value
            case "final-recipient":
                if current.finalRecipient != nil || current.hasOutcome { flush(&current) }
                current.finalRecipient = value
            case "action": current.action = current.action ?? value
            case "status": current.status = current.status ?? value
            case "diagnostic-code": current.diagnosticCode = current.diagnosticCode ?? value
            case "remote-mta": current.remoteMTA = current.remoteMTA ?? value
            case "reporting-mta": reportingMTA = reportingMTA ?? value
            case "arrival-date": arrivalDate = arrivalDate ?? value
            default: break
            }
        }
        flush(&current)
    }

    private mutating func flush(_ current: inout Recipient) {
        if !current.isEmpty, recipients.count < 1000 { recipients.append(current) }
        current = Recipient()
    }

    /// Unfolded (lower-cased name, value) pairs, with nil marking a blank line.
    private static func fields(_ body: [UInt8]) -> [(String, String)?] {
        var result: [(String, String)?] = []
        var pending: (name: String, value: [UInt8])?
        func finish() {
            if let field = pending {
                result.append((field.name, ByteText.string(ByteText.trimmed(field.value[...]))))
            }
            pending = nil
        }
        for line in ByteText.lines(body[...]) {
            if ByteText.isBlankLine(line) {
                finish()
                result.append(nil)
            } else if ByteText.isBlank(line[line.startIndex]), pending != nil {
                pending!.value.append(32)
                pending!.value.append(contentsOf: ByteText.trimmed(line))
            } else if let colon = line.firstIndex(of: UInt8(ascii: ":")), colon - line.startIndex <= 40 {
                finish()
                let name = String(
                    decoding: ByteText.lowercased(ByteText.trimmed(line[line.startIndex..<colon])),
                    as: UTF8.self)
                pending = (name, Array(line[(colon + 1)...]))
            }
        }
        finish()
        return result
    }

    /// A field value without its type prefix ("smtp; 550 …" → "550 …", "dns; mx" → "mx").
    static func stripType(_ value: String) -> String {
        guard let semicolon = value.firstIndex(of: ";") else { return value.trimmingBlanks() }
        let type = value[..<semicolon]
        guard type.count <= 20,
            type.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" || $0 == " " })
        else { return value.trimmingBlanks() }
        return value[value.index(after: semicolon)...].trimmingBlanks()
    }
}
