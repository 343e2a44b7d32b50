import ArgumentParser

@main
struct Rundbrief: AsyncParsableCommand {
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
            ServeCommand.self,
            StatusCommand.self,
            DatabaseCommand.self,
        ]
    )
}

enum RundbriefVersion {
    static let current = "0.1.0"
}
