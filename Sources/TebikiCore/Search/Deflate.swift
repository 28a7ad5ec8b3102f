import CZlib
import Foundation

/// Raw DEFLATE (RFC 1951: no zlib or gzip header), the format `DecompressionStream('deflate-raw')`
/// reads in the browser and in Node. The search shards are compressed with it
/// (docs/search.md "Sharded form").
enum Deflate {
    struct Failure: Error, CustomStringConvertible {
        var code: Int32
        var description: String { "zlib error \(code)" }
    }

    /// Level 4: on the shards of 10,000 generated pages (45.6 MB of JSON) level 6, zlib's
    /// default, wrote 7 % fewer bytes (12.7 against 13.6 MB in base64) for 2.3 times the CPU
    /// (1.6 against 0.7 s), level 1 15 % more bytes for 0.5 s.
    static func compress(_ input: Data, level: Int32 = 4) throws -> Data {
        var stream = z_stream()
        // windowBits −15: raw DEFLATE with a 32 KiB window.
        var rc = deflateInit2_(&stream, level, Z_DEFLATED, -15, 8, Z_DEFAULT_STRATEGY, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size))
        guard rc == Z_OK else { throw Failure(code: rc) }
        defer { deflateEnd(&stream) }
        let bound = Int(deflateBound(&stream, UInt(input.count)))
        var out = Data(count: bound)
        rc = input.withUnsafeBytes { (inBuf: UnsafeRawBufferPointer) -> Int32 in
            out.withUnsafeMutableBytes { (outBuf: UnsafeMutableRawBufferPointer) -> Int32 in
                stream.next_in = UnsafeMutablePointer(mutating: inBuf.bindMemory(to: Bytef.self).baseAddress)
                stream.avail_in = uInt(inBuf.count)
                stream.next_out = outBuf.bindMemory(to: Bytef.self).baseAddress
                stream.avail_out = uInt(outBuf.count)
                return deflate(&stream, Z_FINISH)
            }
        }
        // deflateBound guarantees room for the whole stream in one call.
        guard rc == Z_STREAM_END else { throw Failure(code: rc) }
        out.count = Int(stream.total_out)
        return out
    }

    /// The inverse, for tests and tools that read the shards.
    static func decompress(_ input: Data) throws -> Data {
        var stream = z_stream()
        var rc = inflateInit2_(&stream, -15, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size))
        guard rc == Z_OK else { throw Failure(code: rc) }
        defer { inflateEnd(&stream) }
        var out = Data()
        var chunk = [UInt8](repeating: 0, count: 64 * 1024)
        try input.withUnsafeBytes { (inBuf: UnsafeRawBufferPointer) in
            stream.next_in = UnsafeMutablePointer(mutating: inBuf.bindMemory(to: Bytef.self).baseAddress)
            stream.avail_in = uInt(inBuf.count)
            repeat {
                let produced = chunk.withUnsafeMutableBufferPointer { buf -> Int in
                    stream.next_out = buf.baseAddress
                    stream.avail_out = uInt(buf.count)
                    rc = inflate(&stream, Z_NO_FLUSH)
                    return buf.count - Int(stream.avail_out)
                }
                guard rc == Z_OK || rc == Z_STREAM_END else { throw Failure(code: rc) }
                out.append(contentsOf: chunk[0..<produced])
                if rc == Z_OK && produced == 0 && stream.avail_in == 0 { throw Failure(code: Z_DATA_ERROR) }
            } while rc != Z_STREAM_END
        }
        return out
    }
}
