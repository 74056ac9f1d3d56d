#include "build_info.hpp"

#include "binding/exports.hpp"

namespace cartridge::binding {
namespace {
Napi::Value BuildInfoJs(const Napi::CallbackInfo& info) {
  const BuildInfo b = build_info();
  Napi::Object out = Napi::Object::New(info.Env());
  out.Set("version", b.version);
  out.Set("buildType", b.build_type);
  out.Set("compiler", b.compiler);
  out.Set("sanitized", b.sanitized);
  out.Set("cxxStandard", b.cxx_standard);
  out.Set("napiVersion", NAPI_VERSION);
  return out;
}
}  // namespace

void InitBuildInfo(Napi::Env env, Napi::Object exports) {
  exports.Set("buildInfo", Napi::Function::New(env, BuildInfoJs, "buildInfo"));
}
}  // namespace cartridge::binding
