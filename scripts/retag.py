#!/usr/bin/env python3
"""One-off: rewrite the lookup facets of every requirement from the table below (issue 15).
Keeps graded `form` maps of the handbook's 9.2.3 / 9.3.1 table items and the `role` facet as
they are; only the `facets:` block of the front matter is rewritten."""
import glob, re, sys, yaml

OPS = ["ops-onsite", "ops-remote", "ops-datacenter", "ops-asp", "ops-housing"]
HB9 = ["build"] + OPS + ["maintenance", "processing", "storage"]
KEEP = "keep"  # keep the graded map from the file
CONF = ["personal", "confidential"]
A = "all"

# id: (phase, form, info, subcontract, org, category)
T = {
 "hb-certified-products": (["procurement", "selection"], ["build"], A, A, "national", ["basic"]),
 "hb-compliance-check-disclosure": (["procurement"], A, A, A, "national", ["basic"]),
 "hb-compliance-check-during-work": (["operation"], A, A, A, "national", ["basic"]),
 "hb-confirmation-document": (["contract"], A, A, A, "national", ["basic"]),
 "hb-contract-breach-examples": (["contract"], HB9, A, A, "national", ["reference"]),
 "hb-contract-compliance-check": (["contract"], KEEP, A, A, "national", ["basic"]),
 "hb-contract-confidentiality": (["contract"], KEEP, A, A, "national", ["basic"]),
 "hb-contract-confirmation-delegation": (["contract"], KEEP, A, A, "national", ["basic"]),
 "hb-contract-incident-response": (["contract"], KEEP, A, A, "national", ["basic"]),
 "hb-contract-insufficient-compliance": (["contract"], KEEP, A, A, "national", ["basic"]),
 "hb-contract-operation-measures": (["contract"], KEEP, A, A, "national", ["basic"]),
 "hb-contract-other-assets": (["contract"], KEEP, A, A, "national", ["basic"]),
 "hb-contract-security-audit": (["contract"], KEEP, A, A, "national", ["basic"]),
 "hb-contract-security-functions": (["contract"], KEEP, A, A, "national", ["basic"]),
 "hb-contract-security-organization": (["contract"], KEEP, A, A, "national", ["basic"]),
 "hb-contract-service-level": (["contract"], KEEP, A, A, "national", ["basic"]),
 "hb-contract-subcontracting": (["contract"], KEEP, A, A, "national", ["basic"]),
 "hb-contract-terms-service": (["decision", "contract"], ["cloud"], A, A, "national", ["note"]),
 "hb-contract-vulnerability": (["contract"], KEEP, A, A, "national", ["basic"]),
 "hb-delivery-acceptance": (["acceptance", "termination"], A, A, A, "national", ["basic"]),
 "hb-evaluation-method": (["procurement", "selection"], A, A, A, "national", ["enhanced"]),
 "hb-evaluation-schemes-comparison": (["procurement", "selection"], A, A, A, "national", ["reference"]),
 "hb-form-build": (A, ["build"], A, A, "national", ["reference"]),
 "hb-form-free-service": (A, ["cloud"], A, A, "national", ["reference"]),
 "hb-form-ops-asp": (A, ["ops-asp"], A, A, "national", ["reference"]),
 "hb-form-ops-datacenter": (A, ["ops-datacenter"], A, A, "national", ["reference"]),
 "hb-form-ops-housing": (A, ["ops-housing"], A, A, "national", ["reference"]),
 "hb-form-ops-maintenance": (A, OPS + ["maintenance"], A, A, "national", ["reference"]),
 "hb-form-ops-onsite": (A, ["ops-onsite"], A, A, "national", ["reference"]),
 "hb-form-ops-remote": (A, ["ops-remote"], A, A, "national", ["reference"]),
 "hb-form-processing": (A, ["processing"], A, A, "national", ["reference"]),
 "hb-form-storage": (A, ["storage"], A, A, "national", ["reference"]),
 "hb-form-terms-service": (A, ["cloud"], A, A, "national", ["reference"]),
 "hb-framework-division": (["procurement", "contract"], A, A, A, "national", ["reference"]),
 "hb-framework-rules": (A, A, A, A, "national", ["reference"]),
 "hb-framework-steps": (A, A, A, A, "national", ["reference"]),
 "hb-incident-procedure-disclosure": (["procurement"], A, A, A, "national", ["basic"]),
 "hb-incident-response-during-work": (["operation"], A, A, A, "national", ["basic"]),
 "hb-info-handling-during-work": (["operation", "termination"], A, A, A, "national", ["basic"]),
 "hb-notice-confidentiality": (["procurement"], KEEP, A, A, "national", ["basic"]),
 "hb-notice-incident-response": (["procurement"], KEEP, A, A, "national", ["basic"]),
 "hb-notice-insufficient-compliance": (["procurement"], KEEP, A, A, "national", ["basic"]),
 "hb-notice-isms-evaluation": (["procurement"], KEEP, A, A, "national", ["basic"]),
 "hb-notice-operation-measures": (["procurement"], KEEP, A, A, "national", ["basic"]),
 "hb-notice-security-audit": (["procurement"], KEEP, A, A, "national", ["basic"]),
 "hb-notice-security-functions": (["procurement"], KEEP, A, A, "national", ["basic"]),
 "hb-notice-security-organization": (["procurement"], KEEP, A, A, "national", ["basic"]),
 "hb-notice-service-level": (["procurement"], KEEP, A, A, "national", ["basic"]),
 "hb-notice-subcontracting": (["procurement"], KEEP, A, A, "national", ["basic"]),
 "hb-notice-vulnerability": (["procurement"], KEEP, A, A, "national", ["basic"]),
 "hb-outsourcing-contract": (["contract"], A, A, A, "national", ["basic"]),
 "hb-outsourcing-decision": (["decision"], A, A, A, "national", ["basic"]),
 "hb-renewal-review": (["selection", "contract"], A, A, A, "national", ["basic"]),
 "hb-security-measures-disclosure": (["procurement"], A, A, A, "national", ["basic"]),
 "hb-selection-by-evaluation": (["selection"], A, A, A, "national", ["enhanced"]),
 "hb-selection-criteria": (["procurement", "selection"], A, A, A, "national", ["basic"]),
 "hb-selection-procedure": (["selection"], A, A, A, "national", ["basic"]),
 "hb-service-change-review": (["operation"], A, A, A, "national", ["basic"]),
 "hb-st-evaluation": (["procurement", "contract", "acceptance"], ["build"], A, A, "national", ["enhanced", "basic"]),
 "hb-subcontracting-limit": (["contract", "operation"], A, A, ["yes"], "national", ["basic"]),
 "hb-vulnerability-steps": (["contract", "operation"], ["build"] + OPS[:4] + ["maintenance"], A, A, "national", ["reference"]),
 "hb-when-audit-advisable": (["contract", "operation"], HB9, A, A, "national", ["note"]),
 "lg-amagasaki-incident": (A, A, CONF, ["yes"], "local", ["reference"]),
 "lg-contractor-check": (["contract", "operation"], A, A, A, "local", ["rule"]),
 "lg-contractor-training": (["contract", "operation"], A, CONF, A, "local", ["note"]),
 "lg-emotet": (["operation"], ["in-house"], A, A, "local", ["note"]),
 "lg-lifecycle-least-privilege": (["contract", "operation"], A, CONF, A, "local", ["rule"]),
 "lg-phishing": (["operation"], ["in-house"], A, A, "local", ["note"]),
 "lg-ransomware": (["operation"], ["in-house"], A, A, "local", ["note"]),
 "lg-secure-area-entry-roster": (["contract", "operation"], ["ops-onsite", "maintenance"], A, A, "local", ["rule"]),
 "lg-survey-procurement-operation": (["procurement", "operation"], A, A, A, "local", ["reference"]),
 "lg-transport-external-service": (["operation"], A, CONF, A, "local", ["rule"]),
 "notice-app-ad-embedding": (["procurement", "contract"], ["app-dev"], A, A, "national", ["note"]),
 "notice-app-banner-ad-guideline": (["procurement", "operation"], ["app-dev"], A, A, "national", ["note"]),
 "notice-app-contractor-check": (["selection"], ["app-dev"], A, A, "national", ["note"]),
 "notice-app-no-tracking": (["procurement", "contract"], ["app-dev"], A, A, "national", ["note"]),
 "notice-app-subcontractor-check": (["selection", "contract"], ["app-dev"], A, ["yes"], "national", ["note"]),
 "notice-rental-server-backup": (["decision", "operation"], ["cloud"], A, A, "national", ["note"]),
 "notice-sns-impersonation": (["decision", "operation"], ["cloud"], ["non-confidential"], A, "national", ["note"]),
 "notice-sns-org-account": (["decision", "operation"], ["cloud"], ["non-confidential"], A, "national", ["note"]),
 "notice-sns-own-website": (["decision", "operation"], ["cloud"], ["non-confidential"], A, "national", ["note"]),
 "notice-terms-service-confidential": (["decision"], ["cloud"], CONF, A, "national", ["note"]),
 "pii-business-dept-owner": (A, A, ["personal"], A, "local", ["note"]),
 "pii-check-table": (["procurement", "selection", "operation"], A, ["personal"], A, "local", ["note"]),
 "pii-contract-data-management": (["contract"], A, ["personal"], A, "local", ["note"]),
 "pii-contract-named-workers": (["contract"], A, ["personal"], A, "local", ["note"]),
 "pii-contract-status-report": (["contract"], A, ["personal"], A, "local", ["note"]),
 "pii-contract-subcontract-limit": (["contract"], A, ["personal"], A, "local", ["note"]),
 "pii-contract-work-location": (["contract"], A, ["personal"], A, "local", ["note"]),
 "pii-leak-cases": (A, A, ["personal"], A, "local", ["reference"]),
 "pii-special-spec": (["contract"], A, ["personal"], A, "local", ["note"]),
 "pii-use-contract-drafting": (["contract"], A, ["personal"], A, "local", ["note"]),
 "pii-use-contractor-selection": (["selection"], A, ["personal"], A, "local", ["note"]),
 "pii-use-implementation-check": (["operation"], A, ["personal"], A, "local", ["note"]),
 "pii-use-requirements-communication": (["procurement"], A, ["personal"], A, "local", ["note"]),
 "us-app-content-outsourcing": (["procurement"], ["app-dev"], A, A, "national", ["rule"]),
 "us-byod-decision": (A, ["in-house"], A, A, "national", ["rule"]),
 "us-byod-measures": (A, ["in-house"], A, A, "national", ["rule"]),
 "us-byod-section-h30": (A, ["in-house"], A, A, "national", ["rule"]),
 "us-cloud-service-use": (["decision", "selection"], ["cloud"], CONF, A, "national", ["rule"]),
 "us-conf3-outside-area": (["operation"], ["in-house"], ["confidential"], A, "national", ["rule"]),
 "us-contractor-external-services": (["procurement", "selection", "contract"], A, A, A, "national", ["note"]),
 "us-def-confidentiality-3": (A, A, ["confidential"], A, "national", ["reference"]),
 "us-def-crypto-erase": (["termination"], A, A, A, "national", ["reference"]),
 "us-def-external-service-manager": (A, ["cloud"], A, A, "national", ["reference"]),
 "us-def-external-service-provider": (A, ["cloud"], A, A, "national", ["reference"]),
 "us-def-external-service-user": (A, ["cloud"], A, A, "national", ["reference"]),
 "us-def-external-service": (A, ["cloud"], A, A, "national", ["reference"]),
 "us-def-information-erasure": (["termination"], A, A, A, "national", ["reference"]),
 "us-def-outsourcing": (A, A, A, A, "national", ["reference"]),
 "us-def-terms-external-service": (A, ["cloud"], A, A, "national", ["reference"]),
 "us-device-outside-area": (A, ["in-house"], A, A, "national", ["rule"]),
 "us-ext-conf-approval": (["decision"], ["cloud"], CONF, A, "national", ["rule"]),
 "us-ext-conf-audit-sla": (["selection"], ["cloud"], CONF, A, "national", ["rule"]),
 "us-ext-conf-build": (["operation"], ["cloud"], CONF, A, "national", ["rule"]),
 "us-ext-conf-exit": (["selection", "termination"], ["cloud"], CONF, A, "national", ["rule"]),
 "us-ext-conf-foreign-law": (["selection"], ["cloud"], CONF, A, "national", ["rule"]),
 "us-ext-conf-operation": (["operation"], ["cloud"], CONF, A, "national", ["rule"]),
 "us-ext-conf-procurement": (["procurement", "contract"], ["cloud"], CONF, A, "national", ["rule"]),
 "us-ext-conf-reliability": (["selection"], ["cloud"], CONF, A, "national", ["rule"]),
 "us-ext-conf-rules": (["decision"], ["cloud"], CONF, A, "national", ["rule"]),
 "us-ext-conf-security-design": (["procurement"], ["cloud"], CONF, A, "national", ["rule"]),
 "us-ext-conf-security-level": (["procurement", "selection"], ["cloud"], CONF, A, "national", ["rule"]),
 "us-ext-conf-select-cloud": (["decision", "selection"], ["cloud"], CONF, A, "national", ["rule"]),
 "us-ext-conf-select-other": (["decision", "selection"], ["cloud"], CONF, A, "national", ["rule"]),
 "us-ext-conf-subcontract": (["selection", "operation"], ["cloud"], CONF, ["yes"], "national", ["rule"]),
 "us-ext-conf-termination": (["termination"], ["cloud"], CONF, A, "national", ["rule"]),
 "us-ext-nonconf-rules": (["decision"], ["cloud"], ["non-confidential"], A, "national", ["rule"]),
 "us-ext-nonconf-use": (["decision", "operation"], ["cloud"], ["non-confidential"], A, "national", ["rule"]),
 "us-internet-separation": (["procurement"], ["build"], A, A, "national", ["rule"]),
 "us-outsourcing-contract": (["decision", "procurement", "selection"], A, A, A, "national", ["rule"]),
 "us-outsourcing-rules": (["decision"], A, A, A, "national", ["rule"]),
 "us-outsourcing-scope": (A, A, A, A, "national", ["reference"]),
 "us-remote-access-vpn": (A, ["in-house"], A, A, "national", ["rule"]),
 "us-social-media": (["operation"], ["cloud"], ["non-confidential"], A, "national", ["rule"]),
 "us-system-build-outsourcing": (["procurement", "operation"], ["build"], A, A, "national", ["rule"]),
 "us-system-ops-outsourcing": (["procurement", "operation"], OPS + ["maintenance"], A, A, "national", ["rule"]),
 "us-targeted-attack-supply-chain": (A, A, A, A, "national", ["note"]),
 "us-telework-practice": (["operation"], ["in-house"], A, A, "national", ["rule"]),
 "us-telework-remote-access": (A, ["in-house"], A, A, "national", ["rule"]),
 "us-telework-rules": (A, ["in-house"], A, A, "national", ["rule"]),
 "us-terms-service-rules": (["decision"], ["cloud"], ["non-confidential"], A, "national", ["rule"]),
 "us-terms-service-use": (["decision", "operation"], ["cloud"], ["non-confidential"], A, "national", ["rule"]),
 "us-web-conference": (["operation"], ["cloud"], A, A, "national", ["rule"]),
 "us-website-domain-outsourcing": (["procurement"], ["app-dev"], A, A, "national", ["rule"]),
}


def flow(v):
    if v == A:
        return "all"
    return "[" + ", ".join('"%s"' % x if x in ("yes", "no") else x for x in v) + "]"


def main():
    files = sorted(glob.glob("content/requirements/*.md"))
    ids = set()
    for path in files:
        text = open(path, encoding="utf-8").read()
        m = re.match(r"(---\n)(.*?\n)(---\n)", text, re.S)
        fm = m.group(2)
        data = yaml.safe_load(fm)
        rid = data["id"]
        ids.add(rid)
        phase, form, info, sub, org, cat = T[rid]
        facets = data.get("facets") or {}
        lines = fm.split("\n")
        start = next(i for i, l in enumerate(lines) if l.startswith("facets:"))
        end = start + 1
        while end < len(lines) and (lines[end].startswith(" ") or lines[end] == ""):
            end += 1
        old = lines[start:end]
        # The graded form map as written (value: grade lines).
        form_lines = []
        if form == KEEP:
            i = next(i for i, l in enumerate(old) if l.startswith("  form:"))
            j = i + 1
            while j < len(old) and old[j].startswith("    "):
                form_lines.append(old[j])
                j += 1
            assert form_lines, rid
        out = ["facets:", "  phase: " + flow(phase)]
        if form == KEEP:
            out += ["  form:"] + form_lines
        else:
            out.append("  form: " + flow(form))
        out.append("  info: " + flow(info))
        out.append("  subcontract: " + flow(sub))
        role = next((l for l in old if l.startswith("  role:")), None)
        if role:
            out.append(role)
        out.append("  org: [%s]" % org)
        out.append("  category: " + flow(cat))
        lines[start:end] = out
        new = m.group(1) + "\n".join(lines) + m.group(3) + text[m.end():]
        open(path, "w", encoding="utf-8").write(new)
    missing = set(T) - ids
    assert not missing, missing


if __name__ == "__main__":
    main()
