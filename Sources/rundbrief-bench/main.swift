import ArgumentParser

/// Benchmarks print figures; they are run by `scripts/bench`, never by the test suite.
struct RundbriefBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rundbrief-bench",
        abstract: "Rundbrief's benchmarks: each subcommand prints the figures it measured.",
        subcommands: [EditionRenderBenchmark.self]
    )
}

// main.swift is top-level code once the target has more than one file, so no @main; the
// generic call picks AsyncParsableCommand's async entry point over ParsableCommand's.
func runRoot<Command: AsyncParsableCommand>(_: Command.Type) async {
    await Command.main()
}
await runRoot(RundbriefBench.self)
