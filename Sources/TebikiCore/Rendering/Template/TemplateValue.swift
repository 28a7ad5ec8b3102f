import Foundation

/// A value a template can show: what the theme's `{{name}}`, `{{#name}}` and `{{^name}}` see.
/// Built once per page (from the page's context), read many times by the renderer without any
/// dynamic cast.
enum TemplateValue: Sendable {
    case null
    case bool(Bool)
    case int(Int)
    case string(String)
    case list([TemplateValue])
    case object(TemplateObject)
    /// Markdown whose HTML is made only when a template outputs it.
    case markdown(DeferredMarkdown)

    /// Converts a context built as `[String: Any]` (as swift-mustache took them; PageRenderer
    /// builds TemplateValue literals directly): String, Bool, Int, `[String: Any]`, `[Any]`,
    /// DeferredMarkdown, TemplateValue and Optionals of these (`nil` becomes `.null`). Objects keep
    /// their keys sorted, so that a value converted from a dictionary is the same in every run
    /// (Swift seeds dictionary order per process) and its fingerprint is stable.
    /// Anything else is shown as its description, as swift-mustache did.
    init(_ any: Any) {
        // Strings are most of the leaves: try them first (as Fingerprint.of did).
        if let s = any as? String { self = .string(s); return }
        switch any {
        case let d as [String: Any]:
            var object = TemplateObject(capacity: d.count)
            for (key, value) in d.sorted(by: { $0.key < $1.key }) { object.append(key, TemplateValue(value)) }
            self = .object(object)
        case let a as [[String: Any]]:
            self = .list(a.map { TemplateValue($0) })
        case let a as [Any]:
            self = .list(a.map { TemplateValue($0) })
        case let m as DeferredMarkdown:
            self = .markdown(m)
        case let b as Bool:
            self = .bool(b)
        case let i as Int:
            self = .int(i)
        case let v as TemplateValue:
            self = v
        case let o as OptionalValue:
            self = o.wrappedAny.map { TemplateValue($0) } ?? .null
        default:
            self = .string(String(describing: any))
        }
    }

    /// The value under `key` when this is an object (setting it on anything else does nothing).
    subscript(key: String) -> TemplateValue? {
        get {
            if case .object(let o) = self { return o[key] }
            return nil
        }
        set {
            guard case .object(var o) = self else { return }
            self = .null  // keep `o` the only reference to its storage while it changes
            o[key] = newValue
            self = .object(o)
        }
    }
}

/// Lets `init(_ any:)` see through an Optional held in an `Any`.
private protocol OptionalValue {
    var wrappedAny: Any? { get }
}

extension Optional: OptionalValue {
    fileprivate var wrappedAny: Any? { self.map { $0 as Any } }
}

/// The keys and values of an object in a fixed order. A page's objects have 5 to 20 keys,
/// mostly short ASCII strings that Swift stores inline: a linear scan comparing them is faster
/// than hashing the name.
struct TemplateObject: Sendable {
    private(set) var keys: [String] = []
    private(set) var values: [TemplateValue] = []

    init() {}

    init(capacity: Int) {
        keys.reserveCapacity(capacity)
        values.reserveCapacity(capacity)
    }

    var count: Int { keys.count }
    var isEmpty: Bool { keys.isEmpty }

    subscript(key: String) -> TemplateValue? {
        get {
            keys.withUnsafeBufferPointer { keys in
                for i in keys.indices where keys[i] == key { return values[i] }
                return nil
            }
        }
        set {
            if let i = keys.firstIndex(of: key) {
                if let newValue { values[i] = newValue } else { keys.remove(at: i); values.remove(at: i) }
            } else if let newValue {
                append(key, newValue)
            }
        }
    }

    /// Adds a key that is not in the object yet.
    mutating func append(_ key: String, _ value: TemplateValue) {
        keys.append(key)
        values.append(value)
    }
}

// Literals, so that contexts built in Swift read like the templates that use them.

extension TemplateValue: ExpressibleByStringLiteral, ExpressibleByBooleanLiteral, ExpressibleByIntegerLiteral,
    ExpressibleByArrayLiteral, ExpressibleByDictionaryLiteral
{
    init(stringLiteral value: String) { self = .string(value) }
    init(booleanLiteral value: Bool) { self = .bool(value) }
    init(integerLiteral value: Int) { self = .int(value) }
    init(arrayLiteral elements: TemplateValue...) { self = .list(elements) }

    /// An object with the keys in the order written; a later duplicate key replaces the earlier value.
    init(dictionaryLiteral elements: (String, TemplateValue)...) {
        var object = TemplateObject(capacity: elements.count)
        for (key, value) in elements { object[key] = value }
        self = .object(object)
    }
}
