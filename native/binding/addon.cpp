// The addon's entry point: each exposed class or function group registers itself here.
#include <napi.h>

#include "binding/exports.hpp"

namespace {
Napi::Object Init(Napi::Env env, Napi::Object exports) {
  cartridge::binding::InitBuildInfo(env, exports);
  cartridge::binding::InitGame(env, exports);
  cartridge::binding::InitSolver(env, exports);
  cartridge::binding::InitArena(env, exports);
  cartridge::binding::InitSearcher(env, exports);
  return exports;
}
}  // namespace

NODE_API_MODULE(cartridge, Init)
