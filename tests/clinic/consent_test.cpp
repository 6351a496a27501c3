#include "clinic/consent.h"

#include <gtest/gtest.h>

#include "core/errors.h"

#include "store_test_support.h"
#include "test_support.h"

namespace dermaplan::clinic {
namespace {

TEST(ConsentForm, ListsEveryItemAndRiskWithSourcesUnderAVersion) {
  const auto& kb = testing::bundled_kb();
  ASSERT_FALSE(kb.risks.empty());
  const auto form = consent_form(kb, kb.find_indication("acne-scars"));
  ASSERT_EQ(form.risks.size(), kb.risks.size());
  EXPECT_EQ(form.items.size(), kb.consent.items.size());
  for (const auto& risk : form.risks) {
    EXPECT_FALSE(risk.sources.empty()) << risk.id;
    EXPECT_NE(form.text.find(risk.text), std::string::npos) << risk.id;
  }
  EXPECT_NE(form.version.find(kb.consent.version), std::string::npos);
  EXPECT_NE(form.version.find(kb.version), std::string::npos);
  ASSERT_NE(form.indication, nullptr);
  EXPECT_EQ(form.indication->id, "acne-scars");
  // The seeds' side effects are all on the form (seed 004).
  for (const char* id : {"erythema-irritation", "hyperpigmentation", "scarring", "needle-hypersensitivity"}) {
    bool found = false;
    for (const auto& risk : form.risks) found |= risk.id == id;
    EXPECT_TRUE(found) << id;
  }
}

TEST(ConsentForm, TheRashOfLongNeedlesIsInSeed001sWords) {
  // seed-001: "particularly long needles cause severe rash and mild oedema. The rash declines
  // within 3-4 hours." The form said "a marked rash".
  const auto& kb = testing::bundled_kb();
  const auto form = consent_form(kb, kb.find_indication("acne-scars"));
  EXPECT_NE(form.text.find("particularly long needles cause a severe rash and mild swelling (oedema), the rash "
                           "declining within 3-4 hours"),
            std::string::npos)
      << form.text;
  EXPECT_EQ(form.text.find("marked rash"), std::string::npos);
}

TEST(ConsentForm, IsOneFormPerIndication) {
  const auto& kb = testing::bundled_kb();
  const auto general = consent_form_for(kb, "");
  const auto acne = consent_form_for(kb, "acne-scars");
  const auto wrinkles = consent_form_for(kb, "fine-wrinkles");
  EXPECT_EQ(general.indication, nullptr);
  EXPECT_NE(acne.version, general.version);
  EXPECT_NE(acne.version, wrinkles.version);
  EXPECT_NE(acne.text.find(kb.find_indication("acne-scars")->name), std::string::npos);
}

TEST(ConsentForm, UnknownIndicationNamesTheFieldAndTheAcceptedIds) {
  const auto& kb = testing::bundled_kb();
  try {
    consent_form_for(kb, "acne-scar", "?indication");
    FAIL() << "accepted an unknown indication";
  } catch (const InputError& e) {
    EXPECT_EQ(e.where(), "?indication");
    EXPECT_NE(e.message().find("acne-scars"), std::string::npos) << e.message();
  }
}

TEST(ConsentForm, AChangedRiskTextMakesAnEarlierConsentStale) {
  const auto& kb = testing::bundled_kb();
  const auto before = consent_form(kb, kb.find_indication("acne-scars"));
  records::Consent on_record;
  on_record.text_version = before.version;
  on_record.consent_text = before.text;
  EXPECT_TRUE(consent_is_current(kb, on_record, "acne-scars"));
  EXPECT_FALSE(consent_is_current(kb, on_record, "fine-wrinkles")) << "another indication's form";

  kb::KnowledgeBase changed = kb;  // the same knowledge base version, one risk reworded
  changed.risks.front().text += " (reworded)";
  const auto after = consent_form(changed, changed.find_indication("acne-scars"));
  EXPECT_NE(after.version, before.version);
  EXPECT_FALSE(consent_is_current(changed, on_record, "acne-scars"));
}

class RecordConsent : public records::testing::StoreTest {};
DERMAPLAN_INSTANTIATE_BACKENDS(RecordConsent);

TEST_P(RecordConsent, StoresTheExactTextOfTheIndicationsFormAndRefusesAStaleVersion) {
  const auto& kb = testing::bundled_kb();
  auto store = open();
  const auto admin = make_admin(*store);
  const auto patient = make_patient(*store, admin, "Ada Example");
  const auto form = consent_form_for(kb, "acne-scars");

  ConsentRequest request;
  request.patient_id = patient.id;
  request.consented_by = "Ada Example";
  request.consented_at_ms = 1'790'000'000'000;
  request.indication = "acne-scars";
  request.text_version = form.version;
  for (const auto& item : form.items) request.acknowledged.push_back(item.id);
  for (const auto& risk : form.risks) request.acknowledged.push_back(risk.id);
  request.photo_use = records::PhotoUse::teaching;
  request.signature = SignatureImage{"image/svg+xml", "<svg xmlns=\"http://www.w3.org/2000/svg\"><path d=\"M0 0L9 9\"/></svg>"};
  const auto consent = record_consent(*store, kb, admin, request);
  EXPECT_EQ(consent.text_version, form.version);
  EXPECT_EQ(consent.consent_text, form.text);
  EXPECT_TRUE(consent_is_current(kb, consent, "acne-scars"));
  // The evidence is kept as given, and read back the same.
  const auto stored = store->list_consents(patient.id).at(0);
  EXPECT_EQ(stored.indication, "acne-scars");
  EXPECT_EQ(stored.acknowledged, request.acknowledged);
  EXPECT_EQ(stored.photo_use, records::PhotoUse::teaching);
  EXPECT_EQ(stored.signature_content_type, "image/svg+xml");
  EXPECT_EQ(store->read_photo(stored.signature_sha256), request.signature->bytes);

  request.text_version = consent_form_for(kb, "").version;  // shown the general form
  try {
    record_consent(*store, kb, admin, request);
    FAIL() << "a consent to a form that was not shown was recorded";
  } catch (const records::ConflictError& e) {
    EXPECT_EQ(e.where(), "/text_version");
  }
  EXPECT_EQ(store->list_consents(patient.id).size(), 1u);
}

// Signature images: a drawing of shapes, or a PNG; nothing that runs, links or embeds.
TEST(SignatureImage, AcceptsShapesAndRefusesWhatCouldRun) {
  struct Case {
    const char* name;
    SignatureImage image;
    const char* where;  // "" = accepted
  };
  const std::string png("\x89PNG\r\n\x1a\n....", 12);
  const std::vector<Case> cases{
      {"a path", {"image/svg+xml", "<svg viewBox=\"0 0 9 9\"><path d=\"M0 0L9 9\" stroke-linejoin=\"round\"/></svg>"}, ""},
      {"a polyline", {"image/svg+xml", "<svg><polyline points=\"0,0 1,1\"/></svg>"}, ""},
      {"a PNG", {"image/png", png}, ""},
      {"script", {"image/svg+xml", "<svg><SCRIPT>alert(1)</SCRIPT></svg>"}, "/signature/data_base64"},
      {"an onload handler", {"image/svg+xml", "<svg onload =\"x()\"></svg>"}, "/signature/data_base64"},
      {"a link", {"image/svg+xml", "<svg><a href=\"https://x\"><path d=\"M0 0\"/></a></svg>"}, "/signature/data_base64"},
      {"an external image", {"image/svg+xml", "<svg><image href=\"https://x/y.png\"/></svg>"}, "/signature/data_base64"},
      {"an entity", {"image/svg+xml", "<!DOCTYPE svg [<!ENTITY x \"y\">]><svg/>"}, "/signature/data_base64"},
      {"foreign HTML", {"image/svg+xml", "<svg><foreignObject><div/></foreignObject></svg>"}, "/signature/data_base64"},
      {"not SVG", {"image/svg+xml", "hello"}, "/signature/data_base64"},
      {"not PNG", {"image/png", "GIF89a"}, "/signature/data_base64"},
      {"empty", {"image/png", ""}, "/signature/data_base64"},
      {"too large", {"image/png", png + std::string(kMaxSignatureBytes, 'x')}, "/signature/data_base64"},
      {"another type", {"image/gif", "GIF89a"}, "/signature/content_type"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.name);
    if (std::string(c.where).empty()) {
      EXPECT_NO_THROW(check_signature_image(c.image));
    } else {
      try {
        check_signature_image(c.image);
        ADD_FAILURE() << "accepted";
      } catch (const InputError& e) {
        EXPECT_EQ(e.where(), c.where);
      }
    }
  }
}

}  // namespace
}  // namespace dermaplan::clinic
