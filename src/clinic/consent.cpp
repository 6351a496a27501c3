#include "clinic/consent.h"

#include "core/errors.h"
#include "kb/describe.h"
#include "records/sha256.h"

#include <fmt/format.h>

#include <algorithm>
#include <set>
#include <cctype>

namespace dermaplan::clinic {

ConsentForm consent_form(const kb::KnowledgeBase& kb, const kb::Indication* indication) {
  ConsentForm form;
  form.indication = indication;
  form.title = indication ? fmt::format("Consent to microneedling: {} ({} needling)", indication->name,
                                        kb::to_string(indication->treatment_class.value()))
                          : std::string("Consent to microneedling");
  form.text = form.title + "\n\n";
  for (const auto& item : kb.consent.items) {
    form.items.push_back({item.id, item.text, item.sources});
    form.text += "- " + item.text + "\n";
  }
  form.text += "\nRisks:\n";
  for (const auto& risk : kb.risks) {
    form.risks.push_back({risk.id, risk.text, risk.sources});
    form.text += "- " + risk.text + "\n";
  }
  form.version = fmt::format("{}/{}/{}", kb.consent.version, kb.version, records::sha256_hex(form.text).substr(0, 12));
  return form;
}

ConsentForm consent_form_for(const kb::KnowledgeBase& kb, const std::string& indication_id, const std::string& where) {
  if (indication_id.empty()) return consent_form(kb, nullptr);
  const kb::Indication* indication = kb.find_indication(indication_id);
  if (!indication) {
    std::string accepted;
    for (const auto& i : kb.indications) accepted += (accepted.empty() ? "" : ", ") + i.id;
    throw InputError(where, fmt::format("unknown indication '{}'; accepted: {}", indication_id, accepted));
  }
  return consent_form(kb, indication);
}

bool consent_is_current(const kb::KnowledgeBase& kb, const records::Consent& consent, const std::string& indication_id) {
  const kb::Indication* indication = indication_id.empty() ? nullptr : kb.find_indication(indication_id);
  return consent.consent_text == consent_form(kb, indication).text;
}

namespace {

std::string lower(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(), [](unsigned char c) { return std::tolower(c); });
  return text;
}

}  // namespace

void check_signature_image(const SignatureImage& image, const std::string& where) {
  if (image.bytes.empty()) throw InputError(where + "/data_base64", "the signature image is empty");
  if (image.bytes.size() > kMaxSignatureBytes)
    throw InputError(where + "/data_base64",
                     fmt::format("the signature image is {} bytes; at most {} are accepted", image.bytes.size(),
                                 kMaxSignatureBytes));
  if (image.content_type == "image/png") {
    static const std::string kPngSignature("\x89PNG\r\n\x1a\n", 8);
    if (image.bytes.compare(0, kPngSignature.size(), kPngSignature) != 0)
      throw InputError(where + "/data_base64", "not a PNG image");
    return;
  }
  if (image.content_type != "image/svg+xml")
    throw InputError(where + "/content_type",
                     fmt::format("'{}' is not accepted; accepted: image/svg+xml, image/png", image.content_type));
  const std::string svg = lower(image.bytes);
  if (svg.find("<svg") == std::string::npos) throw InputError(where + "/data_base64", "not an SVG drawing");
  // A drawing needs shapes only; anything that runs, links or pulls in content is refused.
  static const char* const kRefused[] = {"<script", "<foreignobject", "<iframe", "<object", "<embed",
                                         "<image",  "<use",           "<a ",     "<a>",     "<!entity",
                                         "<!doctype", "href",         "javascript:", "url(", "@import",
                                         "<style", "<animate", "<set"};
  for (const char* token : kRefused) {
    if (svg.find(token) != std::string::npos)
      throw InputError(where + "/data_base64",
                       fmt::format("the SVG contains '{}'; a signature may only hold shapes", token));
  }
  // Elements: shapes only, whatever namespace prefix they carry ("svg:script" is a script).
  static const std::set<std::string> kShapes{"svg",     "g",       "path",  "line", "polyline", "polygon",
                                             "circle",  "ellipse", "rect",  "title", "desc",   "metadata",
                                             "defs",    "lineargradient", "radialgradient", "stop"};
  for (std::size_t at = svg.find('<'); at != std::string::npos; at = svg.find('<', at + 1)) {
    std::size_t start = at + 1;
    if (svg.compare(start, 3, "!--") == 0 || svg.compare(start, 4, "?xml") == 0) continue;  // a comment, the prolog
    if (start < svg.size() && svg[start] == '/') ++start;
    std::size_t end = start;
    while (end < svg.size() && (std::isalnum(static_cast<unsigned char>(svg[end])) || svg[end] == ':' ||
                                svg[end] == '-' || svg[end] == '_' || svg[end] == '.'))
      ++end;
    std::string name = svg.substr(start, end - start);
    if (const auto colon = name.rfind(':'); colon != std::string::npos) name = name.substr(colon + 1);
    if (!kShapes.count(name))
      throw InputError(where + "/data_base64",
                       fmt::format("the SVG contains the element '<{}'; a signature may only hold shapes",
                                   svg.substr(start, std::min<std::size_t>(end - start, 40))));
  }
  // Event handlers: on...= attributes (with a namespace prefix too: "x:onload=").
  for (std::size_t at = svg.find("on"); at != std::string::npos; at = svg.find("on", at + 2)) {
    if (at == 0 || !(std::isspace(static_cast<unsigned char>(svg[at - 1])) || svg[at - 1] == '/' || svg[at - 1] == ':'))
      continue;
    std::size_t end = at + 2;
    while (end < svg.size() && std::isalpha(static_cast<unsigned char>(svg[end]))) ++end;
    while (end < svg.size() && std::isspace(static_cast<unsigned char>(svg[end]))) ++end;
    if (end > at + 2 && end < svg.size() && svg[end] == '=')
      throw InputError(where + "/data_base64", "the SVG contains an event handler; a signature may only hold shapes");
  }
}

records::Consent record_consent(records::Store& store, const kb::KnowledgeBase& kb, const records::Actor& by,
                                const ConsentRequest& request) {
  if (!store.find_patient(request.patient_id))
    throw records::NotFoundError("", fmt::format("no patient with id {}", request.patient_id));
  if (request.consented_by.empty()) throw InputError("/consented_by", "name the person who consented");
  const ConsentForm form = consent_form_for(kb, request.indication);
  if (request.text_version && *request.text_version != form.version)
    throw records::ConflictError("/text_version",
                                 fmt::format("the consent text changed (now version {}); show it again", form.version));
  std::vector<std::string> missing;
  std::vector<std::string> acknowledged;
  for (const auto* list : {&form.items, &form.risks}) {
    for (const auto& statement : *list) {
      if (std::find(request.acknowledged.begin(), request.acknowledged.end(), statement.id) ==
          request.acknowledged.end()) {
        missing.push_back(statement.id);
      } else {
        acknowledged.push_back(statement.id);
      }
    }
  }
  for (const auto& id : request.acknowledged) {
    if (std::find(acknowledged.begin(), acknowledged.end(), id) == acknowledged.end())
      throw InputError("/acknowledged", fmt::format("'{}' is not a statement or risk of this form", id));
  }
  if (!missing.empty()) {
    std::string list;
    for (const auto& id : missing) list += (list.empty() ? "" : ", ") + id;
    throw InputError("/acknowledged", fmt::format("each statement and risk must be acknowledged; not yet: {}", list));
  }
  if (!request.photo_use)
    throw InputError("/photo_use", "choose what photos may be used for: record_only, teaching or marketing");
  if (!request.signature) throw InputError("/signature", "the patient's signature is required");
  check_signature_image(*request.signature);
  records::Consent c;
  c.patient_id = request.patient_id;
  c.consented_by = request.consented_by;
  c.consented_at_ms = request.consented_at_ms;
  c.text_version = form.version;
  c.consent_text = form.text;
  c.indication = request.indication;
  c.acknowledged = acknowledged;
  c.photo_use = request.photo_use;
  c.signature_content_type = request.signature->content_type;
  return store.add_consent(by, c, request.signature->bytes);
}

}  // namespace dermaplan::clinic
