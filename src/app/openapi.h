// File: app/openapi.h
//
// The OpenAPI 3 description of /api/v1, served at /api/v1/openapi.json.
// A test checks that every /api/v1 route of the router appears in it.
#pragma once

#include <string_view>

namespace app {
std::string_view OpenApiDocument();
}  // namespace app
