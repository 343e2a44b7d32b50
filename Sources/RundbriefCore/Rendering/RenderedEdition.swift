/// An edition rendered once per send: the texts every recipient shares, with
/// per-recipient slots left open.
public struct RenderedEdition: Sendable {
  public var subject: String
  public var preheader: String
  public var html: PersonalizedText
  public var text: PersonalizedText

  public init(subject: String, preheader: String, html: PersonalizedText, text: PersonalizedText) {
    self.subject = subject
    self.preheader = preheader
    self.html = html
    self.text = text
  }
}
