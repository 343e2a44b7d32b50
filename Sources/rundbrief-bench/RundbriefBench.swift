import ArgumentParser

/// Benchmarks print figures; they are run by `scripts/bench`, never by the test suite.
@main
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
            BounceParseBenchmark.self,
            OperationsBenchmark.self,
            SegmentFreezeBenchmark.self,
        ]
    )
}
