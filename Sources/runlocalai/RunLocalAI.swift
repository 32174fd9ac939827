import ArgumentParser

@main
struct RunLocalAI: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "runlocalai",
        abstract: "Will this model run on my hardware, and how fast?",
        discussion: """
        Every answer comes from one engine (RunLocalAICore): the memory llama.cpp will allocate, where each \
        layer goes, decode and prefill speed with an honest range, and the commands that reproduce it.
        """,
        subcommands: [WillItRunCommand.self, Inspect.self, Calibrate.self, CatalogCommand.self, DiffusionCommand.self, MethodologyCommand.self, DiagnoseCommand.self, ServeCommand.self, BenchmarksCommand.self, DigestCommand.self,
                      DetectCommand.self, DoctorCommand.self, ModelsCommand.self, BenchCommand.self])
}
