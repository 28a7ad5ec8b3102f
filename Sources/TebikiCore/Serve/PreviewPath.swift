import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Maps a raw HTTP request target to a file inside the site folder, refusing anything that
/// could name a file outside it. Works on the target as it came off the wire (still
/// percent-encoded), so no library normalisation hides a `..` from it.
public enum PreviewPath {
    public enum Resolution: Equatable, Sendable {
        /// A regular file inside the site folder (symlinks resolved).
        case file(URL)
        /// A folder requested without its trailing slash: redirect to this target.
        case redirect(String)
        case notFound
        /// A traversal attempt or a malformed target.
        case forbidden
    }

    /// The decoded path segments of `target`, or nil when the target must be refused:
    /// not starting with `/` (absolute-form URLs, `*`, relative paths), backslashes, NUL or
    /// other control characters, encoded `/` `\` or NUL, bad percent escapes, empty segments
    /// (`//`), and `.` or `..` segments, whether written plainly or percent-encoded.
    /// A trailing slash gives a last segment of "" (a folder: its index.html).
    public static func segments(ofTarget target: String) -> [String]? {
        var raw = Substring(target)
        if let cut = raw.firstIndex(where: { $0 == "?" || $0 == "#" }) { raw = raw[..<cut] }
        guard raw.hasPrefix("/") else { return nil }
        for byte in raw.utf8 where byte < 0x20 || byte == 0x7F || byte == UInt8(ascii: "\\") { return nil }
        let lowered = raw.lowercased()
        for encoded in ["%2f", "%5c", "%00"] where lowered.contains(encoded) { return nil }
        let parts = raw.dropFirst().split(separator: "/", omittingEmptySubsequences: false)
        var segments: [String] = []
        for (i, part) in parts.enumerated() {
            if part.isEmpty {
                guard i == parts.count - 1 else { return nil }
                segments.append("")
                continue
            }
            guard let decoded = String(part).removingPercentEncoding else { return nil }
            guard decoded != ".", decoded != "..", !decoded.isEmpty else { return nil }
            for scalar in decoded.unicodeScalars where scalar.value < 0x20 || scalar.value == 0x7F || scalar == "/" || scalar == "\\" {
                return nil
            }
            segments.append(decoded)
        }
        return segments
    }

    /// Resolves `target` against the site folder `root`. A file is served only if its real
    /// path (after every symlink) is inside the real path of `root`; hidden names (starting
    /// with `.`) are never served.
    public static func resolve(target: String, root: URL) -> Resolution {
        guard var segments = segments(ofTarget: target) else { return .forbidden }
        if segments.contains(where: { $0.hasPrefix(".") }) { return .notFound }
        let wantsFolder = segments.last == ""
        if wantsFolder { segments.removeLast() }
        guard let base = realPath(root.path) else { return .notFound }
        var path = segments.reduce(base) { $0 + "/" + $1 }
        guard let real = realPath(path) else { return .notFound }
        guard isInside(real, base) else { return .forbidden }
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: real, isDirectory: &isFolder) else { return .notFound }
        if isFolder.boolValue {
            guard wantsFolder || segments.isEmpty else {
                var raw = Substring(target)
                if let cut = raw.firstIndex(where: { $0 == "?" || $0 == "#" }) { raw = raw[..<cut] }
                return .redirect(raw + "/")
            }
            path = real + "/index.html"
            guard let index = realPath(path) else { return .notFound }
            guard isInside(index, base) else { return .forbidden }
            return isRegularFile(index) ? .file(URL(fileURLWithPath: index)) : .notFound
        }
        guard !wantsFolder else { return .notFound }
        return isRegularFile(real) ? .file(URL(fileURLWithPath: real)) : .notFound
    }

    static func isInside(_ path: String, _ base: String) -> Bool {
        path == base || path.hasPrefix(base.hasSuffix("/") ? base : base + "/")
    }

    static func realPath(_ path: String) -> String? {
        guard let resolved = realpath(path, nil) else { return nil }
        defer { free(resolved) }
        return String(cString: resolved)
    }

    static func isRegularFile(_ path: String) -> Bool {
        var info = stat()
        return stat(path, &info) == 0 && (info.st_mode & S_IFMT) == S_IFREG
    }
}

/// Content types by file extension; text types carry `charset=utf-8` (every text file the
/// build writes is UTF-8).
public enum MIMEType {
    public static let table: [String: String] = [
        "html": "text/html; charset=utf-8",
        "htm": "text/html; charset=utf-8",
        "css": "text/css; charset=utf-8",
        "js": "text/javascript; charset=utf-8",
        "mjs": "text/javascript; charset=utf-8",
        "json": "application/json; charset=utf-8",
        "svg": "image/svg+xml; charset=utf-8",
        "xml": "application/xml; charset=utf-8",
        "csv": "text/csv; charset=utf-8",
        "txt": "text/plain; charset=utf-8",
        "md": "text/plain; charset=utf-8",
        "png": "image/png",
        "jpg": "image/jpeg",
        "jpeg": "image/jpeg",
        "gif": "image/gif",
        "webp": "image/webp",
        "ico": "image/vnd.microsoft.icon",
        "pdf": "application/pdf",
        "woff": "font/woff",
        "woff2": "font/woff2",
    ]

    public static let fallback = "application/octet-stream"

    /// The content type for a file name, by its extension (case-insensitive).
    public static func forPath(_ path: String) -> String {
        let name = path.split(separator: "/").last.map(String.init) ?? path
        guard let dot = name.lastIndex(of: "."), dot != name.startIndex else { return fallback }
        return table[name[name.index(after: dot)...].lowercased()] ?? fallback
    }
}
