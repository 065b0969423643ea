import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
@testable import HealthCal

/// Parses `markup` as XML; throws when it is not well-formed.
func parseXML(_ markup: String) throws -> XMLDocument {
    try XMLDocument(xmlString: markup, options: [])
}

/// Every element named `name` anywhere in the document.
func elements(_ name: String, in document: XMLDocument) throws -> [XMLElement] {
    try document.nodes(forXPath: "//*[local-name()='\(name)']").compactMap { $0 as? XMLElement }
}

/// Words that would mean a non-finite number leaked into the output.
func containsNonFiniteText(_ text: String) -> Bool {
    let lowered = text.lowercased()
    return ["nan", "inf"].contains { word in
        // Whole-word match: "inf" inside "information" or "infinite" prose is not a leak.
        lowered.ranges(of: word).contains { range in
            let before = range.lowerBound == lowered.startIndex ? " " : lowered[lowered.index(before: range.lowerBound)]
            let after = range.upperBound == lowered.endIndex ? " " : lowered[range.upperBound]
            return !before.isLetter && !after.isLetter
        }
    }
}

/// A small HTML tag balance check (the report is HTML, not XML: `<meta>` has no end tag).
/// Returns the first problem, or nil when every non-void element is closed in order.
func htmlTagProblem(_ html: String) -> String? {
    // Style content is CSS, whose `>` selectors are not tags; drop the whole element.
    let text = html.replacingOccurrences(of: "<style>[\\s\\S]*?</style>", with: "", options: .regularExpression)
    let void: Set<String> = ["meta", "br", "hr", "img", "input", "link", "!doctype"]
    var stack: [String] = []
    let pattern = try? NSRegularExpression(pattern: "<(/?)([!a-zA-Z][a-zA-Z0-9-]*)([^>]*?)(/?)>")
    let ns = text as NSString
    for match in pattern?.matches(in: text, range: NSRange(location: 0, length: ns.length)) ?? [] {
        let closing = ns.substring(with: match.range(at: 1)) == "/"
        let name = ns.substring(with: match.range(at: 2)).lowercased()
        let selfClosing = ns.substring(with: match.range(at: 4)) == "/"
        if void.contains(name) || selfClosing { continue }
        if closing {
            guard stack.last == name else { return "unexpected </\(name)>, open: \(stack.suffix(3))" }
            stack.removeLast()
        } else {
            stack.append(name)
        }
    }
    return stack.isEmpty ? nil : "unclosed: \(stack)"
}

/// Drawn elements (paths with a non-empty `d`, rects and circles with a size) in an SVG.
func drawnShapeCount(_ document: XMLDocument) throws -> Int {
    let paths = try elements("path", in: document).filter { !(attr($0, "d") ?? "").isEmpty }
    let rects = try elements("rect", in: document).filter {
        (Double(attr($0, "width") ?? "") ?? 0) > 0
            && (Double(attr($0, "height") ?? "") ?? 0) > 0
    }
    let circles = try elements("circle", in: document).filter { (Double(attr($0, "r") ?? "") ?? 0) > 0 }
    return paths.count + rects.count + circles.count
}

/// An attribute's value. (FoundationXML's `attribute(forName:)` misses hyphenated names such
/// as `aria-label` on Linux, so this walks the attribute list.)
func attr(_ element: XMLElement?, _ name: String) -> String? {
    element?.attributes?.first { $0.name == name }?.stringValue
}
