import ArgumentParser

/// Benchmarks print figures; they are run by `scripts/bench`, never by the test suite.
// A file named main.swift is top-level code once the target has more files, so no @main here.
struct RundbriefBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rundbrief-bench",
        abstract: "Rundbrief's benchmarks: each subcommand prints the figures it measured.",
        subcommands: [
            CSVParseBenchmark.self,
            GenerateCSV.self,
            SMTPBenchmark.self,
            RenderBenchmark.self,
            EditionRenderBenchmark.self,
            OperationsBenchmark.self,
        ]
    )
}

/// Top-level code would pick the synchronous `main()`; inside an async function the async one wins.
func runBenchmarks() async {
    await RundbriefBench.main()
}

await runBenchmarks()
