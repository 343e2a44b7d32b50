import ArgumentParser

/// Benchmarks print figures; they are run by `scripts/bench`, never by the test suite.
struct RundbriefBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rundbrief-bench",
        abstract: "Rundbrief's benchmarks: each subcommand prints the figures it measured.",
        subcommands: [BounceParseBenchmark.self]
    )
}

// Top-level code rather than @main: SwiftPM compiles main.swift as a script once the
// target has more than one file.
let runBenchmarks: () async -> Void = RundbriefBench.main  // the async overload, for async subcommands
await runBenchmarks()
