import ArgumentParser

#if canImport(Glibc)
    import Glibc
#endif

@main
struct Rundbrief: AsyncParsableCommand {
    /// ArgumentParser's entry point, preceded by what `serve` needs before anything else: SIGHUP
    /// ignored (the daemon's reload service takes it over once it runs), so a reload signal in the
    /// first milliseconds does not kill the daemon; malloc's arenas limited before its threads allocate.
    static func main() async {
        if CommandLine.arguments.dropFirst().first == "serve" {
            signal(SIGHUP, SIG_IGN)
            ProcessMemory.limitArenas()
        }
        do {
            var command = try parseAsRoot()
            if var command = command as? any AsyncParsableCommand {
                try await command.run()
            } else {
                try command.run()
            }
        } catch {
            exit(withError: error)
        }
    }

    static let configuration = CommandConfiguration(
        commandName: "rundbrief",
        abstract: "A self-hosted email newsletter daemon: subscribers, editions, sends, bounces.",
        discussion: """
            The configuration is read from --config FILE, else $RUNDBRIEF_CONFIG, else /etc/rundbrief/rundbrief.toml;
            RUNDBRIEF_<SECTION>_<KEY> environment variables override single keys.
            """,
        version: RundbriefVersion.current,
        subcommands: [
            CheckConfigCommand.self,
            ListsCommand.self,
            SubscribersCommand.self,
            EditionCommand.self,
            BounceCommand.self,
            TokensCommand.self,
            DkimCommand.self,
            SendCommand.self,
            SegmentsCommand.self,
            ServeCommand.self,
            StatusCommand.self,
            DatabaseCommand.self,
            UsersCommand.self,
            APIKeysCommand.self,
        ]
    )
}

enum RundbriefVersion {
    static let current = "0.1.0"
}
