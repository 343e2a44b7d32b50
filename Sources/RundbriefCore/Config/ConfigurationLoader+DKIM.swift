extension ConfigurationLoader {
    /// The `[[dkim.key]]` tables: each needs a `selector` and a `key_file`, and nothing else.
    static func dkimKeys(_ value: TOMLValue, location: String) throws(ConfigurationError)
        -> [Configuration.DKIMKey]
    {
        guard case .array(let items) = value else {
            throw ConfigurationError(
                location: location, key: "dkim.key",
                message: "use [[dkim.key]] tables, each with selector = \"…\" and key_file = \"…\"")
        }
        var keys: [Configuration.DKIMKey] = []
        for item in items {
            guard case .table(let table) = item, case .string(let selector)? = table["selector"],
                case .string(let keyFile)? = table["key_file"], !selector.isEmpty, !keyFile.isEmpty
            else {
                throw ConfigurationError(
                    location: location, key: "dkim.key",
                    message: "each [[dkim.key]] needs selector = \"…\" and key_file = \"…\"")
            }
            if let unknown = table.keys.first(where: { $0 != "selector" && $0 != "key_file" }) {
                throw ConfigurationError(
                    location: location, key: "dkim.key.\(unknown)",
                    message: "unknown key (a [[dkim.key]] has selector and key_file)")
            }
            keys.append(Configuration.DKIMKey(selector: selector, keyFile: keyFile))
        }
        return keys
    }
}
