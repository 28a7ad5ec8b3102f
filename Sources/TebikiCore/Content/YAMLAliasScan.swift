// libyaml's scanner, used directly (Yams builds it as its CYaml module) to find aliases
// before Yams composes the document: composing resolves an alias to the anchored node and
// hashes mapping keys, so a "billion laughs" document with an alias as a key would take
// hours. Tebiki's YAML never needs aliases; the reader rejects them with their position.
internal import CYaml

enum YAMLAliasScan {
    /// 1-based line and column of the first alias (`*name`) in the text, or nil when there is
    /// none or the text does not scan (composing reports the syntax error then).
    static func firstAlias(in text: String) -> (line: Int, column: Int, name: String)? {
        var bytes = Array(text.utf8)
        guard !bytes.isEmpty else { return nil }
        bytes.append(0)
        var parser = yaml_parser_t()
        guard yaml_parser_initialize(&parser) == 1 else { return nil }
        defer { yaml_parser_delete(&parser) }
        return bytes.withUnsafeBufferPointer { buffer -> (Int, Int, String)? in
            yaml_parser_set_input_string(&parser, buffer.baseAddress, buffer.count - 1)
            while true {
                var token = yaml_token_t()
                guard yaml_parser_scan(&parser, &token) == 1 else { return nil }
                defer { yaml_token_delete(&token) }
                switch token.type {
                case YAML_STREAM_END_TOKEN, YAML_NO_TOKEN:
                    return nil
                case YAML_ALIAS_TOKEN:
                    let name = token.data.alias.value.map { String(cString: $0) } ?? ""
                    return (Int(token.start_mark.line) + 1, Int(token.start_mark.column) + 1, name)
                default:
                    continue
                }
            }
        }
    }
}
