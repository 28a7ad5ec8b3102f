import Foundation
import Testing
@testable import TebikiCore

/// Issue 13 §4: file-system failures printed English NSError dumps; now `path: error: <Japanese
/// reason> [io-error]` (exit 3 in the CLI: Tests/e2e/test_io_errors.py).
@Suite struct IOFailureTests {
    @Test func diskFullFromTheOutputWriter() {
        #expect {
            try OutputWriter.Session.writeFile("/dev/full", Data(repeating: 0x61, count: 100_000))
        } throws: { error in
            let f = IOFailure(error, fallback: "?")
            return f.code == ENOSPC && f.path == "/dev/full"
                && f.description == "/dev/full: error: ファイルを読み書きできません: ディスクの空きがありません。 [io-error]"
        }
    }

    @Test func foundationErrorsGiveTheirPathAndErrno() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("tebiki-io-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let file = dir.appendingPathComponent("file")
        try Data("x".utf8).write(to: file)
        #expect {
            try Data("y".utf8).write(to: file.appendingPathComponent("below"))
        } throws: { error in
            let f = IOFailure(error, fallback: "?")
            return f.code == ENOTDIR && f.path == file.appendingPathComponent("below").path && f.reason == "途中のパスがフォルダではありません"
        }
        #expect(IOFailure(path: "a\u{1B}b", code: EROFS).description == "a\\x1Bb: error: ファイルを読み書きできません: 読み取り専用のファイルシステムです。 [io-error]")
    }
}
