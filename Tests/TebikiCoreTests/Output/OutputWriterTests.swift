import Foundation
import Testing
@testable import TebikiCore

@Suite struct OutputWriterTests {
    func tempDir() -> URL {
        let u = FileManager.default.temporaryDirectory.appendingPathComponent("tebiki-test-\(UUID().uuidString)")
        try? FileManager.default.createDirectory(at: u, withIntermediateDirectories: true)
        return u
    }

    @Test func unchangedFilesAreNotRewrittenAndRemovedFilesGo() throws {
        let out = tempDir().appendingPathComponent("_site")
        let files = [OutputFile(path: "a.html", data: Data("A".utf8)), OutputFile(path: "sub/b.html", data: Data("B".utf8))]
        #expect(try OutputWriter.write(files, to: out) == .init(written: 2, unchanged: 0))
        let inode = try FileManager.default.attributesOfItem(atPath: out.appendingPathComponent("a.html").path)[.systemFileNumber] as! UInt64
        let second = [OutputFile(path: "a.html", data: Data("A".utf8)), OutputFile(path: "c.html", data: Data("C".utf8))]
        #expect(try OutputWriter.write(second, to: out) == .init(written: 1, unchanged: 1))
        let inode2 = try FileManager.default.attributesOfItem(atPath: out.appendingPathComponent("a.html").path)[.systemFileNumber] as! UInt64
        #expect(inode == inode2)
        #expect(!FileManager.default.fileExists(atPath: out.appendingPathComponent("sub/b.html").path))
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: out.deletingLastPathComponent().path)
        #expect(leftovers == ["_site"])
    }

    @Test func contentErrorsLeaveThePreviousOutputUntouched() throws {
        let out = tempDir().appendingPathComponent("_site")
        _ = try OutputWriter.write([OutputFile(path: "index.html", data: Data("old".utf8))], to: out)
        #expect(throws: ContentErrors.self) {
            let r = try Builder.build(try SiteSource.read(from: Fixtures.site("four-errors")))
            _ = try OutputWriter.write(r.files, to: out)
        }
        #expect(try String(contentsOf: out.appendingPathComponent("index.html"), encoding: .utf8) == "old")
    }
}
