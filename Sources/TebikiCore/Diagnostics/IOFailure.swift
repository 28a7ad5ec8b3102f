import Foundation

/// A file-system failure (disk full, read-only file system, no permission, a name too long),
/// told in Japanese with the path it happened at: `path: error: … [io-error]`. The CLI exits
/// with `exitCode` (3), distinct from content errors (1) and wrong usage (2).
public struct IOFailure: Error, CustomStringConvertible, Sendable {
    public static let exitCode: Int32 = 3
    public var path: String
    /// errno, when known.
    public var code: Int32?

    public init(path: String, code: Int32?) {
        self.path = path
        self.code = code
    }

    /// Digs the path and errno out of a Foundation error (CocoaError, NSError with an
    /// underlying POSIX error) or takes `fallback` as the path.
    public init(_ error: any Error, fallback: String) {
        if let failure = error as? IOFailure { self = failure; return }
        let ns = error as NSError
        path = (ns.userInfo[NSFilePathErrorKey] as? String) ?? (ns.userInfo[NSURLErrorKey] as? URL)?.path ?? fallback
        if ns.domain == NSPOSIXErrorDomain {
            code = Int32(ns.code)
        } else if let underlying = (ns.userInfo[NSUnderlyingErrorKey] as? any Error).map({ $0 as NSError }),
                  underlying.domain == NSPOSIXErrorDomain {
            code = Int32(underlying.code)
        } else if ns.domain == NSCocoaErrorDomain {
            switch CocoaError.Code(rawValue: ns.code) {
            case .fileWriteOutOfSpace: code = ENOSPC
            case .fileWriteVolumeReadOnly: code = EROFS
            case .fileWriteNoPermission, .fileReadNoPermission: code = EACCES
            case .fileWriteInvalidFileName, .fileReadInvalidFileName: code = ENAMETOOLONG
            case .fileNoSuchFile, .fileReadNoSuchFile: code = ENOENT
            case .fileWriteFileExists: code = EEXIST
            default: code = nil
            }
        } else {
            code = nil
        }
    }

    public var reason: String {
        switch code {
        case ENOSPC?: "ディスクの空きがありません"
        case EDQUOT?: "ディスクの使用量の上限に達しました"
        case EROFS?: "読み取り専用のファイルシステムです"
        case EACCES?, EPERM?: "書き込む（または読む）権限がありません"
        case ENAMETOOLONG?: "ファイル名が長すぎます（ファイルシステムの上限は 255 バイトです）"
        case ENOENT?: "フォルダがありません"
        case ENOTDIR?: "途中のパスがフォルダではありません"
        case EEXIST?: "同じ名前のファイルがすでにあります"
        case EIO?: "ディスクの読み書きに失敗しました"
        case let c?: "\(String(cString: strerror(c)))（errno \(c)）"
        case nil: "原因はわかりません"
        }
    }

    public var description: String {
        "\(Diagnostic.escapedForTerminal(path)): error: ファイルを読み書きできません: \(reason)。 [io-error]"
    }

    /// For a failed build: says that the previous output is still there.
    public var buildDescription: String {
        "\(Diagnostic.escapedForTerminal(path)): error: ファイルを読み書きできません: \(reason)。前回の出力はそのまま残しています。 [io-error]"
    }
}
