import ArgumentParser

/// Benchmarks print figures; they are run by `scripts/bench`, never by the test suite.
struct RundbriefBench: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "rundbrief-bench",
    abstract: "Rundbrief's benchmarks: each subcommand prints the figures it measured.",
    subcommands: [SMTPBenchmark.self]
  )
}

// main.swift is top-level code, where @main is not allowed once the target has a second file and
// where `main()` resolves to the synchronous entry point; inside an async function it is the async one.
func runBenchmarks() async {
  await RundbriefBench.main()
}
await runBenchmarks()
