#include "app/openapi.h"

namespace app {

std::string_view OpenApiDocument() {
  static constexpr std::string_view kDoc = R"json({
  "openapi": "3.0.3",
  "info": {"title": "Stagepunt API", "version": "1.0.0",
           "description": "Meldpunt stagediscriminatie: reports, the reporter's follow-up with their receipt, and suppressed statistics. Dates are ISO 8601. Errors: {\"error\": {\"code\", \"message\", \"field\"}}."},
  "servers": [{"url": "/api/v1"}],
  "components": {
    "securitySchemes": {
      "apiToken": {"type": "http", "scheme": "bearer", "description": "stagepunt token create --user LOGIN"},
      "reporterToken": {"type": "http", "scheme": "bearer", "description": "from POST /reporter/session"},
      "session": {"type": "apiKey", "in": "cookie", "name": "sid", "description": "a browser session; POSTs also need the X-CSRF-Token header"}
    },
    "schemas": {
      "Error": {"type": "object", "required": ["error"], "properties": {"error": {"type": "object", "required": ["code", "message"], "properties": {"code": {"type": "string"}, "message": {"type": "string"}, "field": {"type": "string"}}}}},
      "Report": {"type": "object", "required": ["mode", "phase", "grounds", "narrative"], "properties": {
        "mode": {"type": "string", "enum": ["anonymous", "confidential", "named"]},
        "phase": {"type": "string", "enum": ["search", "internship"]},
        "grounds": {"type": "array", "minItems": 1, "uniqueItems": true, "description": "not_sure: the reporter is not sure it was discrimination; a full answer that opens a case, alone or beside other grounds", "items": {"type": "string", "enum": ["origin", "skin_colour", "religion", "gender", "sexual_orientation", "disability", "age", "nationality", "other", "not_sure"]}},
        "actors": {"type": "array", "uniqueItems": true, "description": "who did it, optional, one or more: someone at the company, a colleague, a client or patient, someone at school, someone else; an unknown value is refused (400, field actors)", "items": {"type": "string", "enum": ["company", "colleague", "client", "school", "other"]}},
        "narrative": {"type": "string", "maxLength": 20000},
        "occurred_on": {"type": "string", "format": "date"},
        "company": {"type": "object", "properties": {"leerbedrijf_id": {"type": "string"}, "kvk": {"type": "string", "pattern": "^[0-9]{8}$"}, "name": {"type": "string"}}},
        "wishes": {"type": "array", "items": {"type": "string", "enum": ["register_only", "talk", "action_company", "new_placement", "referral"]}},
        "consent": {"type": "object", "properties": {"contact_company": {"type": "boolean"}, "share_sbb": {"type": "boolean"}, "share_adv": {"type": "boolean"}, "share_job": {"type": "boolean"}, "share_crm": {"type": "boolean"}}},
        "reporter": {"type": "object", "description": "required for confidential and named, absent for anonymous", "properties": {"name": {"type": "string"}, "student_number": {"type": "string"}, "email": {"type": "string"}}},
        "programme": {"type": "object", "description": "optional, for the monitor's counts only; location and crebo come from closed lists, the school's register (the report form offers them); any other value is refused (400, field programme.location or programme.crebo); absent or empty: not given", "properties": {
          "crebo": {"type": "string", "description": "a crebo of the school's students or leerplaatsen"}, "pathway": {"type": "string", "enum": ["BOL", "BBL"]},
          "level": {"type": "integer", "minimum": 1, "maximum": 4}, "location": {"type": "string", "description": "a location of the school's students"}}}}},
      "Receipt": {"type": "object", "required": ["case_number", "receipt", "acknowledged_at", "content_sha256", "first_contact_due"], "properties": {
        "case_number": {"type": "string", "pattern": "^M-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}$", "description": "random and short (40 bits), so two numbers tell nothing about the reports in between; reports filed before keep their M-YYYY-NNNN"}, "receipt": {"type": "string", "description": "shown once; 120 bits"},
        "acknowledged_at": {"type": "string", "format": "date-time"}, "content_sha256": {"type": "string"},
        "first_contact_due": {"type": "string", "format": "date"}}},
      "ReporterCase": {"type": "object", "properties": {
        "case_number": {"type": "string"}, "status": {"type": "string", "enum": ["received", "intake", "in_progress", "aftercare", "closed"]},
        "identity_notices": {"type": "array", "description": "each time the reporter's identity was shown to a meldpunt lead, after a second person agreed", "items": {"type": "object", "properties": {"at": {"type": "string", "format": "date-time"}, "approved_by": {"type": "string", "enum": ["second_lead", "school_admin"]}, "reason": {"type": "string"}}}},
        "mode": {"type": "string"}, "narrative": {"type": "string"},
        "messages": {"type": "array", "items": {"type": "object", "properties": {"from": {"type": "string", "enum": ["reporter", "meldpunt"]}, "text": {"type": "string"}, "at": {"type": "string", "format": "date-time"}}}},
        "first_contact_due": {"type": "string", "format": "date"}, "feedback_due": {"type": "string", "format": "date"},
        "received_at": {"type": "string", "format": "date-time"}, "outcome": {"type": "string"}}},
      "Stats": {"type": "object", "properties": {
        "cells": {"type": "array", "items": {"type": "object", "properties": {"key": {"type": "string", "description": "for crebo, sector and location: values with fewer than 5 reports in the period count under \"other\"; empty values under \"unknown\""}, "count": {"type": "integer", "nullable": true}, "suppressed": {"type": "boolean"}}}},
        "total": {"type": "integer", "nullable": true}, "total_suppressed": {"type": "boolean"},
        "period": {"type": "object", "description": "the period counted: reports received from `from` through `through`, the end of the last finished month at most", "properties": {
          "key": {"type": "string"}, "from": {"type": "string", "format": "date"}, "through": {"type": "string", "format": "date"},
          "complete": {"type": "boolean", "description": "false while the period is still running"}}}}}
    }
  },
  "paths": {
    "/schools/{brin}/reports": {"post": {"summary": "Submit a report (no login)", "operationId": "submitReport",
      "parameters": [{"name": "brin", "in": "path", "required": true, "schema": {"type": "string"}}],
      "requestBody": {"required": true, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Report"}}}},
      "responses": {"201": {"description": "durably committed", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Receipt"}}}},
                    "400": {"description": "invalid input, naming the field", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}},
                    "404": {"description": "unknown school", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}},
                    "429": {"description": "throttled: too many reports from this client (serve --report-client-limit) or to this school (--report-rate-limit); try again in a minute", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}}}},
    "/reporter/session": {"post": {"summary": "Exchange a receipt for a reporter token", "operationId": "reporterSession",
      "requestBody": {"required": true, "content": {"application/json": {"schema": {"type": "object", "required": ["receipt"], "properties": {"receipt": {"type": "string"}}}}}},
      "responses": {"200": {"description": "a token valid for 60 minutes", "content": {"application/json": {"schema": {"type": "object", "properties": {"token": {"type": "string"}, "expires_at": {"type": "string", "format": "date-time"}}}}}},
                    "401": {"description": "unknown receipt; repeated failures slow all answers down", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}}}},
    "/reporter/case": {"get": {"summary": "The reporter's case", "operationId": "reporterCase", "security": [{"reporterToken": []}],
      "responses": {"200": {"description": "the case", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/ReporterCase"}}}},
                    "401": {"description": "no or expired token", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}}}},
    "/reporter/messages": {"post": {"summary": "Send a message to the meldpunt", "operationId": "reporterMessage", "security": [{"reporterToken": []}],
      "requestBody": {"required": true, "content": {"application/json": {"schema": {"type": "object", "required": ["text"], "properties": {"text": {"type": "string", "maxLength": 5000}}}}}},
      "responses": {"201": {"description": "stored"}, "400": {"description": "invalid text", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}},
                    "401": {"description": "no or expired token", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}}}},
    "/schools/{brin}/stats/reports": {"get": {"summary": "Report counts with small cells suppressed (the monitor's figures)", "operationId": "reportStats",
      "description": "The same figures, permission and period rule as the school's monitor page: management and meldpunt leads only; one fixed period (school year, quarter or month, never a calendar year or free dates, because overlapping ranges would undo suppression); reports count from the end of the month they were received in, so a running period is published through its last finished month and the running month is refused. Cases closed as not_a_report are never counted.",
      "security": [{"apiToken": []}, {"session": []}],
      "parameters": [{"name": "brin", "in": "path", "required": true, "schema": {"type": "string"}},
                     {"name": "period", "in": "query", "description": "a school year (2025-2026), a quarter (2026-Q1) or a month (2026-03), as on the monitor page; instead of from and to", "schema": {"type": "string"}},
                     {"name": "from", "in": "query", "description": "first day of one whole month, quarter or school year (1 Aug - 31 Jul); other ranges, calendar years included, are refused (400); period, from and to all absent: the school year of the last finished month", "schema": {"type": "string", "format": "date"}},
                     {"name": "to", "in": "query", "description": "last day of the same period", "schema": {"type": "string", "format": "date"}},
                     {"name": "by", "in": "query", "schema": {"type": "string", "enum": ["ground", "actor", "phase", "status", "month", "crebo", "sector", "pathway", "level", "location", "outcome"]}}],
      "responses": {"200": {"description": "counts below 5 suppressed, complementary", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Stats"}}}},
                    "400": {"description": "invalid period (also: a calendar year, or a period with no finished month yet) or dimension, naming the field", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}, "401": {"description": "not logged in"}, "403": {"description": "neither management nor a meldpunt lead (as on /monitor)"}, "404": {"description": "unknown school or another school"}}}},
    "/openapi.json": {"get": {"summary": "This document", "operationId": "openapi", "responses": {"200": {"description": "OpenAPI 3 JSON"}}}}
  }
})json";
  return kDoc;
}

}  // namespace app
