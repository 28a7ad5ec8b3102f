import Foundation
import Testing
@testable import TebikiCore

/// Issue 13 §4: a `kill -9` right after the old output was renamed away left no output at all,
/// and leftover `-new-`/`-old-` folders were never cleaned. `.serialized`: the swap observer is
/// process-wide.
@Suite(.serialized) struct OutputSwapTests {
    func tempDir() -> URL {
        let u = FileManager.default.temporaryDirectory.appendingPathComponent("tebiki-swap-\(UUID().uuidString)")
        try? FileManager.default.createDirectory(at: u, withIntermediateDirectories: true)
        return u
    }

    /// At every step of the swap, the output path holds a complete output (old or new, with
    /// its marker): what a `kill -9` at that moment would leave.
    @Test func theOutputExistsAtEveryStepOfTheSwap() throws {
        let out = tempDir().appendingPathComponent("_site")
        _ = try OutputWriter.write([OutputFile(path: "index.html", data: Data("old".utf8))], to: out)
        var seen: [(String, String?)] = []
        OutputWriter.Session.swapStep = { step in
            let text = try? String(contentsOf: out.appendingPathComponent("index.html"), encoding: .utf8)
            let marker = FileManager.default.fileExists(atPath: out.appendingPathComponent(OutputGuard.markerName).path)
            seen.append((step, marker ? text : nil))
        }
        defer { OutputWriter.Session.swapStep = nil }
        _ = try OutputWriter.write([OutputFile(path: "index.html", data: Data("new".utf8))], to: out)
        #expect(!seen.isEmpty)
        for (step, text) in seen { #expect(text == "old" || text == "new", "after \(step): \(text ?? "no output")") }
        #expect(try String(contentsOf: out.appendingPathComponent("index.html"), encoding: .utf8) == "new")
        #expect(try FileManager.default.contentsOfDirectory(atPath: out.deletingLastPathComponent().path) == ["_site"])
    }

    /// The next build removes the temporary folders of builds that are gone, and only theirs.
    @Test func leftoversOfDeadBuildsAreRemoved() throws {
        let parent = tempDir()
        let out = parent.appendingPathComponent("_site")
        // A PID that is certainly not running: a child that has exited.
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/bin/true")
        try p.run()
        p.waitUntilExit()
        let dead = p.processIdentifier
        let names = ["._site.tebiki-new-\(dead)", "._site.tebiki-old-\(dead)", "._site.tebiki-new-1", ".other.tebiki-old-\(dead)", "._site.tebiki-new-x"]
        for n in names {
            try FileManager.default.createDirectory(at: parent.appendingPathComponent(n).appendingPathComponent("rules"), withIntermediateDirectories: true)
        }
        _ = try OutputWriter.write([OutputFile(path: "index.html", data: Data("x".utf8))], to: out)
        let left = try FileManager.default.contentsOfDirectory(atPath: parent.path).sorted()
        // PID 1 is alive; another output's folders and names without a PID are not ours to touch.
        #expect(left == ["._site.tebiki-new-1", "._site.tebiki-new-x", ".other.tebiki-old-\(dead)", "_site"])
    }
}
