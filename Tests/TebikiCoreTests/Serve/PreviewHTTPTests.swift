import Foundation
import Testing
@testable import TebikiCore

/// The preview's HTTP listener (issue 13 §3): limits on the request head, slow senders, a busy
/// port. End-to-end with the real binary: Tests/e2e/test_serve.py.
@Suite struct PreviewHTTPTests {
    final class Server {
        let server: PreviewHTTPServer
        let port: UInt16
        init(limits: PreviewHTTPServer.Limits = .init()) throws {
            server = PreviewHTTPServer(limits: limits) { request in
                PreviewResponse(status: 200, headers: [("Content-Type", "text/plain")], body: Data("target=\(request.target.count)".utf8))
            }
            port = try server.listen(host: "127.0.0.1", port: 0)
            let s = server
            Thread { s.run() }.start()
        }
        deinit { server.stop() }
    }

    /// Sends `bytes` and returns the status line of the answer (or "" when the connection closed).
    static func exchange(_ port: UInt16, _ bytes: [UInt8]) -> String {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var a = sockaddr_in()
        a.sin_family = sa_family_t(AF_INET)
        a.sin_port = port.bigEndian
        a.sin_addr.s_addr = inet_addr("127.0.0.1")
        var tv = timeval(tv_sec: 10, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size))
        let connected = withUnsafePointer(to: &a) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) } }
        guard connected == 0 else { return "no connection" }
        _ = bytes.withUnsafeBytes { send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
        var answer = [UInt8](repeating: 0, count: 4096)
        let n = answer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
        guard n > 0 else { return "" }
        return String(decoding: answer[0..<n], as: UTF8.self).components(separatedBy: "\r\n")[0]
    }

    @Test func headLimits() throws {
        let s = try Server()
        let ok = Self.exchange(s.port, Array("GET /\(String(repeating: "a", count: 8_000)) HTTP/1.1\r\nHost: x\r\n\r\n".utf8))
        #expect(ok == "HTTP/1.1 200 OK")
        let start = Date()
        #expect(Self.exchange(s.port, Array("GET /\(String(repeating: "a", count: 100_000)) HTTP/1.1\r\n\r\n".utf8)) == "HTTP/1.1 414 URI Too Long")
        #expect(Self.exchange(s.port, Array("GET / HTTP/1.1\r\nX: \(String(repeating: "b", count: 40_000))\r\n\r\n".utf8)) == "HTTP/1.1 431 Request Header Fields Too Large")
        #expect(Self.exchange(s.port, Array(("GET / HTTP/1.1\r\n" + String(repeating: "X: 1\r\n", count: 200) + "\r\n").utf8)) == "HTTP/1.1 431 Request Header Fields Too Large")
        #expect(Self.exchange(s.port, Array("BROKEN\r\n\r\n".utf8)) == "HTTP/1.1 400 Bad Request")
        #expect(Self.exchange(s.port, Array("POST / HTTP/1.1\r\nContent-Length: 100000000\r\n\r\n".utf8)) == "HTTP/1.1 413 Content Too Large")
        #expect(Date().timeIntervalSince(start) < 5)
    }

    @Test func slowSenderGets408() throws {
        var limits = PreviewHTTPServer.Limits()
        limits.headTimeout = 0.5
        let s = try Server(limits: limits)
        let start = Date()
        #expect(Self.exchange(s.port, Array("GET / HTTP/1.1\r\nHost: x\r\n".utf8)) == "HTTP/1.1 408 Request Timeout")
        #expect(Date().timeIntervalSince(start) < 3)
    }

    @Test func aBusyPortFailsAtOnceWithItsReason() throws {
        let s = try Server()
        let other = PreviewHTTPServer { _ in PreviewResponse(status: 200, headers: [], body: Data()) }
        #expect {
            _ = try other.listen(host: "127.0.0.1", port: s.port)
        } throws: { error in
            "\(error)" == "このポートはほかのプログラムが使っています"
        }
    }
}
