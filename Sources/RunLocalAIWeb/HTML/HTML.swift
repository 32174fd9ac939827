import Foundation
import Hummingbird

/// A fragment of HTML. Text and attribute values are escaped when they enter; the only way to insert
/// markup verbatim is ``raw(_:)``, kept for our own trusted SVG and constants.
///
/// ```swift
/// let row = tr {
///     td { model.name }                        // escaped text
///     td(.class("num")) { format(gib: bytes) }
/// }
/// let icon = HTML.raw("<svg …>…</svg>")      // trusted markup only
/// ```
public struct HTML: Sendable, Hashable, CustomStringConvertible {
    /// The markup, already escaped.
    public private(set) var markup: String

    public init() { markup = "" }
    /// Escaped text.
    public init(text: String) { markup = HTML.escape(text) }
    private init(trusted: String) { markup = trusted }

    /// Markup inserted verbatim. Only for markup this program writes (SVG it generated, constants).
    public static func raw(_ trusted: String) -> HTML { HTML(trusted: trusted) }
    public static func text(_ s: String) -> HTML { HTML(text: s) }

    public var description: String { markup }
    public var isEmpty: Bool { markup.isEmpty }

    public mutating func append(_ other: HTML) { markup += other.markup }
    public static func + (l: HTML, r: HTML) -> HTML { var x = l; x.append(r); return x }

    /// Escapes `& < > " '` (safe in text and in quoted attribute values, in HTML and XML alike).
    public static func escape(_ s: String) -> String {
        guard s.contains(where: { $0 == "&" || $0 == "<" || $0 == ">" || $0 == "\"" || $0 == "'" }) else { return s }
        var out = ""
        out.reserveCapacity(s.utf8.count + 16)
        for c in s {
            switch c {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.append(c)
            }
        }
        return out
    }

    /// Joins fragments.
    public static func join(_ parts: [HTML], separator: HTML = HTML()) -> HTML {
        var out = HTML()
        for (i, p) in parts.enumerated() {
            if i > 0 { out.append(separator) }
            out.append(p)
        }
        return out
    }
}

extension HTML: ExpressibleByStringLiteral {
    /// A literal is text like any other: escaped.
    public init(stringLiteral value: String) { self.init(text: value) }
}

/// An attribute; its value is escaped when rendered.
public struct Attr: Sendable, Hashable {
    public var name: String
    /// nil: a boolean attribute (`selected`, `required`).
    public var value: String?
    public init(_ name: String, _ value: String?) { self.name = name; self.value = value }

    public static func `class`(_ v: String) -> Attr { Attr("class", v) }
    public static func id(_ v: String) -> Attr { Attr("id", v) }
    public static func href(_ v: String) -> Attr { Attr("href", v) }
    public static func name(_ v: String) -> Attr { Attr("name", v) }
    public static func type(_ v: String) -> Attr { Attr("type", v) }
    public static func value(_ v: String) -> Attr { Attr("value", v) }
    public static func `for`(_ v: String) -> Attr { Attr("for", v) }
    public static func title(_ v: String) -> Attr { Attr("title", v) }
    public static func style(_ v: String) -> Attr { Attr("style", v) }
    public static func aria(_ key: String, _ v: String) -> Attr { Attr("aria-\(key)", v) }
    public static func data(_ key: String, _ v: String) -> Attr { Attr("data-\(key)", v) }
    public static func flag(_ name: String) -> Attr { Attr(name, nil) }
    /// A boolean attribute present only when `on`.
    public static func flag(_ name: String, _ on: Bool) -> Attr? { on ? Attr(name, nil) : nil }

    var rendered: String {
        precondition(Attr.isValidName(name), "invalid attribute name \(name)")
        guard let value else { return " \(name)" }
        return " \(name)=\"\(HTML.escape(value))\""
    }

    static func isValidName(_ s: String) -> Bool {
        !s.isEmpty && s.utf8.allSatisfy { ($0 >= 97 && $0 <= 122) || ($0 >= 65 && $0 <= 90) || ($0 >= 48 && $0 <= 57) || $0 == 45 || $0 == 58 || $0 == 95 }
    }
}

/// Builds ``HTML`` from statements: strings are escaped text, `HTML` values are inserted as they are.
@resultBuilder
public enum HTMLBuilder {
    public static func buildExpression(_ h: HTML) -> HTML { h }
    public static func buildExpression(_ s: String) -> HTML { HTML(text: s) }
    public static func buildExpression(_ parts: [HTML]) -> HTML { HTML.join(parts) }
    public static func buildBlock(_ parts: HTML...) -> HTML { HTML.join(parts) }
    public static func buildOptional(_ h: HTML?) -> HTML { h ?? HTML() }
    public static func buildEither(first h: HTML) -> HTML { h }
    public static func buildEither(second h: HTML) -> HTML { h }
    public static func buildArray(_ parts: [HTML]) -> HTML { HTML.join(parts) }
    public static func buildLimitedAvailability(_ h: HTML) -> HTML { h }
}

extension HTML {
    /// Builds a fragment.
    public init(@HTMLBuilder _ content: () -> HTML) { self = content() }

    /// `<name attrs>content</name>`.
    public static func element(_ name: String, _ attrs: [Attr?] = [], _ content: HTML = HTML()) -> HTML {
        precondition(Attr.isValidName(name), "invalid element name \(name)")
        var s = "<" + name
        for a in attrs { if let a { s += a.rendered } }
        s += ">"
        s += content.markup
        s += "</" + name + ">"
        return HTML(trusted: s)
    }

    /// `<name attrs>` (void elements: input, meta, link, br).
    public static func void(_ name: String, _ attrs: [Attr?] = []) -> HTML {
        precondition(Attr.isValidName(name), "invalid element name \(name)")
        var s = "<" + name
        for a in attrs { if let a { s += a.rendered } }
        return HTML(trusted: s + ">")
    }

    /// An XML element (SVG): self-closing when empty, so the output is well-formed XML.
    public static func xml(_ name: String, _ attrs: [Attr?] = [], _ content: HTML = HTML()) -> HTML {
        precondition(Attr.isValidName(name), "invalid element name \(name)")
        var s = "<" + name
        for a in attrs { if let a { s += a.rendered } }
        if content.isEmpty { return HTML(trusted: s + "/>") }
        return HTML(trusted: s + ">" + content.markup + "</" + name + ">")
    }
}

/// A complete HTML document with its status: what a page handler returns.
public struct HTMLResponse: ResponseGenerator, Sendable {
    public var status: HTTPResponse.Status
    public var document: HTML
    public var headers: HTTPFields

    public init(status: HTTPResponse.Status = .ok, document: HTML, headers: HTTPFields = [:]) {
        self.status = status; self.document = document; self.headers = headers
    }

    public func response(from request: Request, context: some RequestContext) throws -> Response { response() }

    /// The page as sent: `text/html`, `no-cache` unless the page set its own, post forms with the request's CSRF token.
    func response() -> Response {
        var h = headers
        h[.contentType] = nil
        return PreparedBody(html: document.markup).htmlResponse(status: status, headers: h)
    }
}

extension HTML: ResponseGenerator {
    /// A fragment served on its own: `200`, `text/html; charset=utf-8`.
    public func response(from request: Request, context: some RequestContext) throws -> Response {
        try HTMLResponse(document: self).response(from: request, context: context)
    }
}

/// A non-HTML text body (Atom, sitemap XML, SVG) with its content type.
public struct TextResponse: ResponseGenerator, Sendable {
    public var status: HTTPResponse.Status = .ok
    public var contentType: String
    public var body: String
    public init(status: HTTPResponse.Status = .ok, contentType: String, body: String) {
        self.status = status; self.contentType = contentType; self.body = body
    }
    public func response(from request: Request, context: some RequestContext) throws -> Response {
        let buffer = ByteBuffer(string: body)
        return Response(status: status, headers: [.contentType: contentType, .contentLength: String(buffer.readableBytes)],
                        body: .init(byteBuffer: buffer))
    }
}
