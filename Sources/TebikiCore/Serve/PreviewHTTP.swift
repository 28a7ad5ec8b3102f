import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// The preview's HTTP/1.1 listener: reads request heads itself, with limits, one thread per
/// connection, and hands each request to `PreviewSite`.
///
/// FlyingFox 0.27.1 (which served the preview before) reads the request line and headers in
/// time quadratic in their length, on the shared concurrency pool, with no limit and no hook
/// before its parser: a 100 KB URL took 15 s and two of them stalled every other request. Here
/// the head is scanned once, byte by byte, and refused as HTTP servers refuse it:
///
/// | limit | answer |
/// |---|---|
/// | request line over `maxRequestLine` bytes | 414, connection closed |
/// | head (request line + headers) over `maxHead` bytes, or more than `maxHeaders` headers | 431, closed |
/// | head not complete `headTimeout` seconds after its first byte (slow sender) | 408, closed |
/// | no new request `idleTimeout` seconds after the last response (keep-alive) | closed |
/// | a request body (`Content-Length`) over `maxBody` bytes, or `Transfer-Encoding` | 413 / 501, closed |
/// | more than `maxConnections` open connections | 503, closed |
///
/// A slow or huge request only occupies its own thread; the others keep being served.
final class PreviewHTTPServer: @unchecked Sendable {
    struct Limits: Sendable {
        var maxRequestLine = 8 * 1024
        var maxHead = 32 * 1024
        var maxHeaders = 100
        var headTimeout: Double = 10
        var idleTimeout: Double = 15
        var maxBody = 64 * 1024
        var maxConnections = 64
    }

    struct Request: Sendable {
        var method: String
        var target: String
        var version: String
        var headers: [(String, String)]
        func header(_ name: String) -> String? { headers.first { $0.0.lowercased() == name }?.1 }
    }

    /// A socket error while setting up the listener, with its errno, for a readable message.
    struct ListenError: Error, CustomStringConvertible {
        var call: String
        var code: Int32
        var description: String {
            switch code {
            case EADDRINUSE: "このポートはほかのプログラムが使っています"
            case EACCES: "このポートを使う権限がありません（1024 未満のポートは管理者権限が要ります）"
            case EADDRNOTAVAIL: "このコンピューターにそのアドレスはありません"
            default: "\(call): \(String(cString: strerror(code)))"
            }
        }
    }

    let limits: Limits
    private let handler: @Sendable (Request) -> PreviewResponse
    private let lock = NSLock()
    private var listenFD: Int32 = -1
    private var connections: Set<Int32> = []
    private var stopping = false

    init(limits: Limits = Limits(), handler: @escaping @Sendable (Request) -> PreviewResponse) {
        self.limits = limits
        self.handler = handler
    }

    /// Binds and listens at once (a busy port fails here, not later); returns the bound port.
    func listen(host: String, port: UInt16) throws -> UInt16 {
        let v6 = host.contains(":")
        let fd = socket(v6 ? AF_INET6 : AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw ListenError(call: "socket", code: errno) }
        var on: Int32 = 1
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, socklen_t(MemoryLayout<Int32>.size))
        var result: Int32
        if v6 {
            var a = sockaddr_in6()
            a.sin6_family = sa_family_t(AF_INET6)
            a.sin6_port = port.bigEndian
            guard inet_pton(AF_INET6, host, &a.sin6_addr) == 1 else { close(fd); throw ListenError(call: "inet_pton", code: EINVAL) }
            result = withUnsafePointer(to: &a) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in6>.size)) } }
        } else {
            var a = sockaddr_in()
            a.sin_family = sa_family_t(AF_INET)
            a.sin_port = port.bigEndian
            guard inet_pton(AF_INET, host, &a.sin_addr) == 1 else { close(fd); throw ListenError(call: "inet_pton", code: EINVAL) }
            result = withUnsafePointer(to: &a) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) } }
        }
        guard result == 0 else { let e = errno; close(fd); throw ListenError(call: "bind", code: e) }
        guard Glibc.listen(fd, 128) == 0 else { let e = errno; close(fd); throw ListenError(call: "listen", code: e) }
        var storage = sockaddr_storage()
        var length = socklen_t(MemoryLayout<sockaddr_storage>.size)
        _ = withUnsafeMutablePointer(to: &storage) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) } }
        let bound: UInt16 = withUnsafePointer(to: &storage) { p in
            v6 ? UInt16(bigEndian: p.withMemoryRebound(to: sockaddr_in6.self, capacity: 1) { $0.pointee.sin6_port })
               : UInt16(bigEndian: p.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { $0.pointee.sin_port })
        }
        lock.withLock { listenFD = fd }
        return bound
    }

    /// Accepts connections until `stop()`; each one is served on its own thread.
    func run() {
        let fd = lock.withLock { listenFD }
        while true {
            let client = accept(fd, nil, nil)
            if client < 0 {
                if errno == EINTR || errno == ECONNABORTED { continue }
                if lock.withLock({ stopping }) { return }
                if errno == EMFILE || errno == ENFILE { Thread.sleep(forTimeInterval: 0.05); continue }
                return
            }
            var on: Int32 = 1
            setsockopt(client, Int32(IPPROTO_TCP), TCP_NODELAY, &on, socklen_t(MemoryLayout<Int32>.size))
            let admitted: Bool = lock.withLock {
                guard !stopping, connections.count < limits.maxConnections else { return false }
                connections.insert(client)
                return true
            }
            guard admitted else {
                let r = PreviewResponse(status: 503, headers: [("Content-Type", "text/plain; charset=utf-8")],
                                        body: Data("接続が多すぎます。しばらくしてから読み込み直してください。\n".utf8))
                _ = write(r, to: client, close: true)
                close(client)
                continue
            }
            let thread = Thread { [self] in
                serve(client)
                lock.withLock { _ = connections.remove(client) }
                close(client)
            }
            thread.stackSize = 256 * 1024
            thread.start()
        }
    }

    /// Stops accepting and ends every open connection (their threads then return).
    func stop() {
        lock.withLock {
            stopping = true
            if listenFD >= 0 { shutdown(listenFD, Int32(SHUT_RDWR)); close(listenFD); listenFD = -1 }
            for c in connections { shutdown(c, Int32(SHUT_RDWR)) }
        }
    }

    // MARK: - One connection

    private func serve(_ fd: Int32) {
        var buffer = [UInt8]()
        buffer.reserveCapacity(4096)
        while !lock.withLock({ stopping }) {
            switch readHead(fd, buffer: &buffer) {
            case .closed: return
            case .refused(let status, let message):
                _ = write(refusal(status, message), to: fd, close: true)
                drain(fd)
                return
            case .head(let request, let consumed):
                buffer.removeFirst(consumed)
                var closeAfter = request.version != "HTTP/1.1" || request.header("connection")?.lowercased() == "close"
                if request.header("transfer-encoding") != nil {
                    _ = write(refusal(501, "Transfer-Encoding には対応していません。"), to: fd, close: true)
                    return
                }
                if let length = request.header("content-length") {
                    guard let n = Int(length), n >= 0 else {
                        _ = write(refusal(400, "Content-Length が正しくありません。"), to: fd, close: true)
                        return
                    }
                    guard n <= limits.maxBody else {
                        _ = write(refusal(413, "送られた内容が大きすぎます。"), to: fd, close: true)
                        return
                    }
                    guard discard(n, fd, buffer: &buffer) else { return }
                }
                let response = handler(request)
                if lock.withLock({ stopping }) { closeAfter = true }
                guard write(response, to: fd, close: closeAfter), !closeAfter else { return }
            }
        }
    }

    private enum HeadResult {
        case head(Request, consumed: Int)
        case refused(Int, String)
        case closed
    }

    /// Reads until the blank line that ends the head, checking the limits on every chunk:
    /// each byte is looked at once, so a long line costs its length, not its square.
    private func readHead(_ fd: Int32, buffer: inout [UInt8]) -> HeadResult {
        var scanned = 0
        var lineStart = 0
        var lines: [Range<Int>] = []
        var deadline: Date? = buffer.isEmpty ? nil : Date().addingTimeInterval(limits.headTimeout)
        while true {
            // Scan what has arrived.
            while scanned < buffer.count {
                if buffer[scanned] == 0x0A {
                    var end = scanned
                    if end > lineStart, buffer[end - 1] == 0x0D { end -= 1 }
                    if end == lineStart {
                        if lines.isEmpty { lineStart = scanned + 1; scanned += 1; continue }  // blank lines before a request (RFC 9112 §2.2)
                        return parse(buffer, lines: lines, consumed: scanned + 1)
                    }
                    lines.append(lineStart..<end)
                    if lines.count > limits.maxHeaders + 1 { return .refused(431, "ヘッダーが多すぎます。") }
                    lineStart = scanned + 1
                }
                scanned += 1
                if lines.isEmpty, scanned - lineStart > limits.maxRequestLine {
                    return .refused(414, "URL が長すぎます（\(limits.maxRequestLine) バイトまで）。")
                }
                if scanned > limits.maxHead { return .refused(431, "ヘッダーが大きすぎます（\(limits.maxHead) バイトまで）。") }
            }
            // Wait for more: a new request may take `idleTimeout`; once it has begun, the whole
            // head must arrive within `headTimeout`.
            let timeout = deadline.map { $0.timeIntervalSinceNow } ?? limits.idleTimeout
            guard timeout > 0 else { return buffer.isEmpty ? .closed : .refused(408, "リクエストが時間内に届きませんでした。") }
            var p = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            let ready = poll(&p, 1, Int32(min(timeout, 3600) * 1000) + 1)
            if ready < 0 { if errno == EINTR { continue }; return .closed }
            if ready == 0 { continue }  // the deadline check above decides
            var chunk = [UInt8](repeating: 0, count: 4096)
            let n = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, 4096, 0) }
            if n < 0, errno == EINTR || errno == EAGAIN { continue }
            guard n > 0 else { return .closed }
            if deadline == nil { deadline = Date().addingTimeInterval(limits.headTimeout) }
            buffer.append(contentsOf: chunk[0..<n])
        }
    }

    private func parse(_ buffer: [UInt8], lines: [Range<Int>], consumed: Int) -> HeadResult {
        let requestLine = buffer[lines[0]]
        let parts = requestLine.split(separator: 0x20, omittingEmptySubsequences: true)
        guard parts.count == 3, let method = String(validating: parts[0], as: UTF8.self),
              let version = String(validating: parts[2], as: UTF8.self), version.hasPrefix("HTTP/1.") else {
            return .refused(400, "リクエストを読めません。")
        }
        // The target as it came off the wire (PreviewPath refuses what it must); bytes that are
        // not UTF-8 cannot name a file of the site.
        guard let target = String(validating: parts[1], as: UTF8.self) else { return .refused(400, "URL を読めません。") }
        var headers: [(String, String)] = []
        for range in lines.dropFirst() {
            let line = buffer[range]
            guard let colon = line.firstIndex(of: 0x3A), colon > line.startIndex,
                  let name = String(validating: line[line.startIndex..<colon], as: UTF8.self) else {
                return .refused(400, "ヘッダーを読めません。")
            }
            let value = String(decoding: line[(colon + 1)...], as: UTF8.self).trimmingCharacters(in: .whitespaces)
            headers.append((name, value))
        }
        return .head(Request(method: method, target: target, version: version, headers: headers), consumed: consumed)
    }

    /// Reads and drops a request body of `count` bytes (part of it may be in `buffer`).
    private func discard(_ count: Int, _ fd: Int32, buffer: inout [UInt8]) -> Bool {
        var left = count
        let first = min(left, buffer.count)
        buffer.removeFirst(first)
        left -= first
        let deadline = Date().addingTimeInterval(limits.headTimeout)
        var chunk = [UInt8](repeating: 0, count: 4096)
        while left > 0 {
            let timeout = deadline.timeIntervalSinceNow
            guard timeout > 0 else { return false }
            var p = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            guard poll(&p, 1, Int32(timeout * 1000) + 1) > 0 else { continue }
            let n = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, min(4096, left), 0) }
            guard n > 0 else { return false }
            left -= n
        }
        return true
    }

    /// After a refusal, reads (and drops) what the client is still sending for a moment, so
    /// that closing does not reset the connection before the client has read the answer.
    private func drain(_ fd: Int32) {
        let deadline = Date().addingTimeInterval(1)
        var chunk = [UInt8](repeating: 0, count: 16 * 1024)
        var total = 0
        while total < 4 << 20, deadline.timeIntervalSinceNow > 0 {
            var p = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            guard poll(&p, 1, Int32(deadline.timeIntervalSinceNow * 1000) + 1) > 0 else { return }
            let n = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            guard n > 0 else { return }
            total += n
        }
    }

    private func refusal(_ status: Int, _ message: String) -> PreviewResponse {
        PreviewResponse(status: status, headers: [("Content-Type", "text/plain; charset=utf-8"), ("Cache-Control", "no-store")],
                        body: Data((message + "\n").utf8))
    }

    static let phrases = [200: "OK", 302: "Found", 400: "Bad Request", 403: "Forbidden", 404: "Not Found",
                          405: "Method Not Allowed", 408: "Request Timeout", 413: "Content Too Large",
                          414: "URI Too Long", 431: "Request Header Fields Too Large", 500: "Internal Server Error",
                          501: "Not Implemented", 503: "Service Unavailable"]

    /// Sends the response; false when the peer has gone.
    private func write(_ r: PreviewResponse, to fd: Int32, close: Bool) -> Bool {
        var head = "HTTP/1.1 \(r.status) \(Self.phrases[r.status] ?? "Unknown")\r\n"
        for (name, value) in r.headers where name.lowercased() != "connection" { head += "\(name): \(value)\r\n" }
        if r.header("Content-Length") == nil { head += "Content-Length: \(r.body.count)\r\n" }
        head += close ? "Connection: close\r\n\r\n" : "\r\n"
        var data = Data(head.utf8)
        data.append(r.body)
        let sent: Bool = data.withUnsafeBytes { raw in
            var offset = 0
            while offset < raw.count {
                let n = send(fd, raw.baseAddress! + offset, raw.count - offset, Int32(MSG_NOSIGNAL))
                if n < 0, errno == EINTR { continue }
                guard n > 0 else { return false }
                offset += n
            }
            return true
        }
        if close { shutdown(fd, Int32(SHUT_WR)) }
        return sent
    }
}
