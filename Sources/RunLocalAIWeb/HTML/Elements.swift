// Element functions for the HTML builder: `div(.class("x")) { "text"; span { … } }`.
// Attribute values and string content are escaped; see ``HTML``.
// (Generated list; each is `<name attrs>content</name>`.)

func div(_ attrs: Attr?..., @HTMLBuilder content: () -> HTML = { HTML() }) -> HTML { .element("div", attrs, content()) }
func span(_ attrs: Attr?..., @HTMLBuilder content: () -> HTML = { HTML() }) -> HTML { .element("span", attrs, content()) }
func p(_ attrs: Attr?..., @HTMLBuilder content: () -> HTML = { HTML() }) -> HTML { .element("p", attrs, content()) }
func section(_ attrs: Attr?..., @HTMLBuilder content: () -> HTML = { HTML() }) -> HTML { .element("section", attrs, content()) }
func article(_ attrs: Attr?..., @HTMLBuilder content: () -> HTML = { HTML() }) -> HTML { .element("article", attrs, content()) }
func aside(_ attrs: Attr?..., @HTMLBuilder content: () -> HTML = { HTML() }) -> HTML { .element("aside", attrs, content()) }
func nav(_ attrs: Attr?..., @HTMLBuilder content: () -> HTML = { HTML() }) -> HTML { .element("nav", attrs, content()) }
func header(_ attrs: Attr?..., @HTMLBuilder content: () -> HTML = { HTML() }) -> HTML { .element("header", attrs, content()) }
func footer(_ attrs: Attr?..., @HTMLBuilder content: () -> HTML = { HTML() }) -> HTML { .element("footer", attrs, content()) }
func h1(_ attrs: Attr?..., @HTMLBuilder content: () -> HTML = { HTML() }) -> HTML { .element("h1", attrs, content()) }
func h2(_ attrs: Attr?..., @HTMLBuilder content: () -> HTML = { HTML() }) -> HTML { .element("h2", attrs, content()) }
func h3(_ attrs: Attr?..., @HTMLBuilder content: () -> HTML = { HTML() }) -> HTML { .element("h3", attrs, content()) }
func h4(_ attrs: Attr?..., @HTMLBuilder content: () -> HTML = { HTML() }) -> HTML { .element("h4", attrs, content()) }
func ul(_ attrs: Attr?..., @HTMLBuilder content: () -> HTML = { HTML() }) -> HTML { .element("ul", attrs, content()) }
func ol(_ attrs: Attr?..., @HTMLBuilder content: () -> HTML = { HTML() }) -> HTML { .element("ol", attrs, content()) }
func li(_ attrs: Attr?..., @HTMLBuilder content: () -> HTML = { HTML() }) -> HTML { .element("li", attrs, content()) }
func dl(_ attrs: Attr?..., @HTMLBuilder content: () -> HTML = { HTML() }) -> HTML { .element("dl", attrs, content()) }
func dt(_ attrs: Attr?..., @HTMLBuilder content: () -> HTML = { HTML() }) -> HTML { .element("dt", attrs, content()) }
func dd(_ attrs: Attr?..., @HTMLBuilder content: () -> HTML = { HTML() }) -> HTML { .element("dd", attrs, content()) }
func table(_ attrs: Attr?..., @HTMLBuilder content: () -> HTML = { HTML() }) -> HTML { .element("table", attrs, content()) }
func thead(_ attrs: Attr?..., @HTMLBuilder content: () -> HTML = { HTML() }) -> HTML { .element("thead", attrs, content()) }
func tbody(_ attrs: Attr?..., @HTMLBuilder content: () -> HTML = { HTML() }) -> HTML { .element("tbody", attrs, content()) }
func tfoot(_ attrs: Attr?..., @HTMLBuilder content: () -> HTML = { HTML() }) -> HTML { .element("tfoot", attrs, content()) }
func tr(_ attrs: Attr?..., @HTMLBuilder content: () -> HTML = { HTML() }) -> HTML { .element("tr", attrs, content()) }
func th(_ attrs: Attr?..., @HTMLBuilder content: () -> HTML = { HTML() }) -> HTML { .element("th", attrs, content()) }
func td(_ attrs: Attr?..., @HTMLBuilder content: () -> HTML = { HTML() }) -> HTML { .element("td", attrs, content()) }
func caption(_ attrs: Attr?..., @HTMLBuilder content: () -> HTML = { HTML() }) -> HTML { .element("caption", attrs, content()) }
func colgroup(_ attrs: Attr?..., @HTMLBuilder content: () -> HTML = { HTML() }) -> HTML { .element("colgroup", attrs, content()) }
func form(_ attrs: Attr?..., @HTMLBuilder content: () -> HTML = { HTML() }) -> HTML { .element("form", attrs, content()) }
func label(_ attrs: Attr?..., @HTMLBuilder content: () -> HTML = { HTML() }) -> HTML { .element("label", attrs, content()) }
func selectElement(_ attrs: Attr?..., @HTMLBuilder content: () -> HTML = { HTML() }) -> HTML { .element("select", attrs, content()) }
func option(_ attrs: Attr?..., @HTMLBuilder content: () -> HTML = { HTML() }) -> HTML { .element("option", attrs, content()) }
func optgroup(_ attrs: Attr?..., @HTMLBuilder content: () -> HTML = { HTML() }) -> HTML { .element("optgroup", attrs, content()) }
func button(_ attrs: Attr?..., @HTMLBuilder content: () -> HTML = { HTML() }) -> HTML { .element("button", attrs, content()) }
func textarea(_ attrs: Attr?..., @HTMLBuilder content: () -> HTML = { HTML() }) -> HTML { .element("textarea", attrs, content()) }
func fieldset(_ attrs: Attr?..., @HTMLBuilder content: () -> HTML = { HTML() }) -> HTML { .element("fieldset", attrs, content()) }
func legend(_ attrs: Attr?..., @HTMLBuilder content: () -> HTML = { HTML() }) -> HTML { .element("legend", attrs, content()) }
func pre(_ attrs: Attr?..., @HTMLBuilder content: () -> HTML = { HTML() }) -> HTML { .element("pre", attrs, content()) }
func code(_ attrs: Attr?..., @HTMLBuilder content: () -> HTML = { HTML() }) -> HTML { .element("code", attrs, content()) }
func kbd(_ attrs: Attr?..., @HTMLBuilder content: () -> HTML = { HTML() }) -> HTML { .element("kbd", attrs, content()) }
func strong(_ attrs: Attr?..., @HTMLBuilder content: () -> HTML = { HTML() }) -> HTML { .element("strong", attrs, content()) }
func em(_ attrs: Attr?..., @HTMLBuilder content: () -> HTML = { HTML() }) -> HTML { .element("em", attrs, content()) }
func small(_ attrs: Attr?..., @HTMLBuilder content: () -> HTML = { HTML() }) -> HTML { .element("small", attrs, content()) }
func b(_ attrs: Attr?..., @HTMLBuilder content: () -> HTML = { HTML() }) -> HTML { .element("b", attrs, content()) }
func abbr(_ attrs: Attr?..., @HTMLBuilder content: () -> HTML = { HTML() }) -> HTML { .element("abbr", attrs, content()) }
func figure(_ attrs: Attr?..., @HTMLBuilder content: () -> HTML = { HTML() }) -> HTML { .element("figure", attrs, content()) }
func figcaption(_ attrs: Attr?..., @HTMLBuilder content: () -> HTML = { HTML() }) -> HTML { .element("figcaption", attrs, content()) }
func details(_ attrs: Attr?..., @HTMLBuilder content: () -> HTML = { HTML() }) -> HTML { .element("details", attrs, content()) }
func summary(_ attrs: Attr?..., @HTMLBuilder content: () -> HTML = { HTML() }) -> HTML { .element("summary", attrs, content()) }
func blockquote(_ attrs: Attr?..., @HTMLBuilder content: () -> HTML = { HTML() }) -> HTML { .element("blockquote", attrs, content()) }
func timeElement(_ attrs: Attr?..., @HTMLBuilder content: () -> HTML = { HTML() }) -> HTML { .element("time", attrs, content()) }
func output(_ attrs: Attr?..., @HTMLBuilder content: () -> HTML = { HTML() }) -> HTML { .element("output", attrs, content()) }
func mark(_ attrs: Attr?..., @HTMLBuilder content: () -> HTML = { HTML() }) -> HTML { .element("mark", attrs, content()) }
func sup(_ attrs: Attr?..., @HTMLBuilder content: () -> HTML = { HTML() }) -> HTML { .element("sup", attrs, content()) }
func sub(_ attrs: Attr?..., @HTMLBuilder content: () -> HTML = { HTML() }) -> HTML { .element("sub", attrs, content()) }
/// A link; `href` is escaped like any attribute.
func a(href: String, _ attrs: Attr?..., @HTMLBuilder content: () -> HTML) -> HTML { .element("a", [Attr.href(href)] + attrs, content()) }
func mainElement(_ attrs: Attr?..., @HTMLBuilder content: () -> HTML) -> HTML { .element("main", attrs, content()) }
func input(_ attrs: Attr?...) -> HTML { .void("input", attrs) }
func br() -> HTML { .void("br") }
func hr(_ attrs: Attr?...) -> HTML { .void("hr", attrs) }
func meta(_ attrs: Attr?...) -> HTML { .void("meta", attrs) }
func linkElement(_ attrs: Attr?...) -> HTML { .void("link", attrs) }
