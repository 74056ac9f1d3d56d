// JavaScript class `Game` (one position of any registered game) and the game
// functions: gameMetadata, perft, symmetryTables, transformObservation,
// transformPolicy, benchRandomPlayouts. Typed arrays are borrowed, never copied.
#include <chrono>
#include <ctime>
#include <cstring>
#include <memory>
#include <string>

#include "binding/exports.hpp"
#include "games/perft.hpp"
#include "games/random_playout.hpp"
#include "games/registry.hpp"

namespace cartridge::binding {
namespace {

// A game of any registered type behind one interface, so the JS class is not a template.
class AnyGame {
 public:
  virtual ~AnyGame() = default;
  virtual std::unique_ptr<AnyGame> clone() const = 0;
  virtual const GameInfo& info() const = 0;
  virtual ActionSet legal_actions() const = 0;
  virtual void play(int action) = 0;
  virtual bool is_terminal() const = 0;
  virtual int winner() const = 0;
  virtual int to_move() const = 0;
  virtual int ply() const = 0;
  virtual uint64_t hash() const = 0;
  virtual void write_observation(float* out) const = 0;
  virtual std::string render() const = 0;
  virtual int parse_move(std::string_view text) const = 0;
  virtual std::string format_move(int action) const = 0;
  virtual const void* bytes() const = 0;
  virtual size_t byte_size() const = 0;
  // Replaces the state with `bytes`; false (state unchanged) when they do not describe a valid one.
  virtual bool restore(const uint8_t* bytes) = 0;
};

template <Game G>
class GameOf final : public AnyGame {
 public:
  std::unique_ptr<AnyGame> clone() const override { return std::make_unique<GameOf>(*this); }
  const GameInfo& info() const override { return kInfo; }
  ActionSet legal_actions() const override { return g_.legal_actions(); }
  void play(int action) override { g_.play(action); }
  bool is_terminal() const override { return g_.is_terminal(); }
  int winner() const override { return g_.winner(); }
  int to_move() const override { return g_.to_move(); }
  int ply() const override { return g_.ply(); }
  uint64_t hash() const override { return g_.hash(); }
  void write_observation(float* out) const override { cartridge::write_observation(g_, out); }
  std::string render() const override { return g_.render(); }
  int parse_move(std::string_view text) const override { return G::parse_move(text); }
  std::string format_move(int action) const override { return G::format_move(action); }
  const void* bytes() const override { return &g_; }
  size_t byte_size() const override { return sizeof(G); }
  bool restore(const uint8_t* bytes) override {
    G candidate;
    std::memcpy(static_cast<void*>(&candidate), bytes, sizeof(G));
    if constexpr (requires { candidate.valid(); }) {
      if (!candidate.valid()) return false;
    }
    g_ = candidate;
    return true;
  }

 private:
  static constexpr GameInfo kInfo = G::kInfo;
  G g_;
};

std::unique_ptr<AnyGame> make_game(std::string_view env_id) {
  std::unique_ptr<AnyGame> game;
  visit_game(env_id, [&]<Game G>() { game = std::make_unique<GameOf<G>>(); });
  return game;
}

std::string known_env_ids() {
  std::string ids;
  for_each_game([&]<Game G>() { ids += (ids.empty() ? "" : ", ") + std::string(G::kInfo.env_id); });
  return ids;
}

[[noreturn]] void throw_type(Napi::Env env, const std::string& message) {
  throw Napi::TypeError::New(env, message);
}

std::string env_id_arg(const Napi::CallbackInfo& info, size_t index) {
  if (info.Length() <= index || !info[index].IsString()) throw_type(info.Env(), "envId must be a string");
  return info[index].As<Napi::String>().Utf8Value();
}

void throw_unknown_game(Napi::Env env, const std::string& env_id) {
  throw_type(env, "unknown game \"" + env_id + "\" (known: " + known_env_ids() + ")");
}

int int_arg(const Napi::CallbackInfo& info, size_t index, const char* name) {
  if (info.Length() <= index || !info[index].IsNumber()) throw_type(info.Env(), std::string(name) + " must be a number");
  const double v = info[index].As<Napi::Number>().DoubleValue();
  if (v != double(int64_t(v)) || v < -2147483648.0 || v > 2147483647.0) {
    throw_type(info.Env(), std::string(name) + " must be an integer");
  }
  return int(v);
}

Napi::Float32Array float_arg(const Napi::CallbackInfo& info, size_t index, const char* name, size_t length) {
  if (info.Length() <= index || !info[index].IsTypedArray() ||
      info[index].As<Napi::TypedArray>().TypedArrayType() != napi_float32_array) {
    throw_type(info.Env(), std::string(name) + " must be a Float32Array");
  }
  Napi::Float32Array a = info[index].As<Napi::Float32Array>();
  if (a.ElementLength() != length) {
    throw Napi::RangeError::New(info.Env(), std::string(name) + " must have length " + std::to_string(length) +
                                                ", got " + std::to_string(a.ElementLength()));
  }
  return a;
}

Napi::Uint8Array bytes_arg(const Napi::CallbackInfo& info, size_t index, const char* name) {
  if (info.Length() <= index || !info[index].IsTypedArray() ||
      info[index].As<Napi::TypedArray>().TypedArrayType() != napi_uint8_array) {
    throw_type(info.Env(), std::string(name) + " must be a Uint8Array");
  }
  return info[index].As<Napi::Uint8Array>();
}

Napi::Object info_object(Napi::Env env, const GameInfo& gi) {
  Napi::Object o = Napi::Object::New(env);
  o.Set("env_id", gi.env_id);
  o.Set("display_name", gi.display_name);
  o.Set("board_width", gi.board_width);
  o.Set("board_height", gi.board_height);
  o.Set("num_actions", gi.num_actions);
  o.Set("obs_size", gi.obs_size);
  o.Set("legal_mask_offset", gi.legal_mask_offset);
  o.Set("num_symmetries", gi.num_symmetries);
  return o;
}

// ------------------------------------------------------------------ class Game

class GameWrap : public Napi::ObjectWrap<GameWrap> {
 public:
  static Napi::Function Define(Napi::Env env) {
    return DefineClass(env, "Game",
                       {
                           InstanceAccessor<&GameWrap::EnvId>("envId"),
                           InstanceMethod<&GameWrap::Clone>("clone"),
                           InstanceMethod<&GameWrap::Play>("play"),
                           InstanceMethod<&GameWrap::IsLegal>("isLegal"),
                           InstanceMethod<&GameWrap::LegalActions>("legalActions"),
                           InstanceMethod<&GameWrap::LegalMask>("legalMask"),
                           InstanceMethod<&GameWrap::IsTerminal>("isTerminal"),
                           InstanceMethod<&GameWrap::Winner>("winner"),
                           InstanceMethod<&GameWrap::ToMove>("toMove"),
                           InstanceMethod<&GameWrap::Ply>("ply"),
                           InstanceMethod<&GameWrap::Hash>("hash"),
                           InstanceMethod<&GameWrap::WriteObservation>("writeObservation"),
                           InstanceMethod<&GameWrap::Render>("render"),
                           InstanceMethod<&GameWrap::ParseMove>("parseMove"),
                           InstanceMethod<&GameWrap::FormatMove>("formatMove"),
                           InstanceMethod<&GameWrap::Serialize>("serialize"),
                       });
  }

  // new Game(envId) starts a game; new Game(envId, bytes) restores serialize()'s bytes.
  explicit GameWrap(const Napi::CallbackInfo& info) : Napi::ObjectWrap<GameWrap>(info) {
    const std::string env_id = env_id_arg(info, 0);
    game_ = make_game(env_id);
    if (!game_) throw_unknown_game(info.Env(), env_id);
    if (info.Length() > 1 && !info[1].IsUndefined()) {
      const Napi::Uint8Array bytes = bytes_arg(info, 1, "state");
      if (bytes.ByteLength() != game_->byte_size()) {
        throw Napi::RangeError::New(info.Env(), "state for " + env_id + " must be " +
                                                    std::to_string(game_->byte_size()) + " bytes, got " +
                                                    std::to_string(bytes.ByteLength()));
      }
      if (!game_->restore(bytes.Data())) {
        throw Napi::RangeError::New(info.Env(), "state bytes do not describe a valid " + env_id + " position");
      }
    }
  }

 private:
  Napi::Value EnvId(const Napi::CallbackInfo& info) { return Napi::String::New(info.Env(), game_->info().env_id); }

  Napi::Value Clone(const Napi::CallbackInfo& info) {
    // The constructor is looked up on the instance, so no per-env state is needed.
    Napi::Function ctor = info.This().As<Napi::Object>().Get("constructor").As<Napi::Function>();
    Napi::Object copy = ctor.New({Napi::String::New(info.Env(), game_->info().env_id)});
    GameWrap::Unwrap(copy)->game_ = game_->clone();
    return copy;
  }

  int action_arg(const Napi::CallbackInfo& info) {
    const int action = int_arg(info, 0, "action");
    return action;
  }

  Napi::Value Play(const Napi::CallbackInfo& info) {
    const int action = action_arg(info);
    if (game_->is_terminal()) {
      throw Napi::RangeError::New(info.Env(), "the game is over; no move can be played");
    }
    if (action < 0 || action >= game_->info().num_actions || !game_->legal_actions().test(action)) {
      const bool in_range = action >= 0 && action < game_->info().num_actions;
      throw Napi::RangeError::New(
          info.Env(), "illegal move " + std::to_string(action) +
                          (in_range ? " (" + game_->format_move(action) + ")" : "") + " in " + game_->info().env_id +
                          " at ply " + std::to_string(game_->ply()));
    }
    game_->play(action);
    return info.Env().Undefined();
  }

  Napi::Value IsLegal(const Napi::CallbackInfo& info) {
    const int action = action_arg(info);
    const bool legal = action >= 0 && action < game_->info().num_actions && game_->legal_actions().test(action);
    return Napi::Boolean::New(info.Env(), legal);
  }

  Napi::Value LegalActions(const Napi::CallbackInfo& info) {
    const ActionSet legal = game_->legal_actions();
    Napi::Int32Array out = Napi::Int32Array::New(info.Env(), size_t(legal.count()));
    int i = 0;
    legal.for_each([&](int a) { out[i++] = a; });
    return out;
  }

  // Writes 1/0 per action into the caller's Uint8Array(num_actions).
  Napi::Value LegalMask(const Napi::CallbackInfo& info) {
    Napi::Uint8Array out = bytes_arg(info, 0, "mask");
    const size_t n = size_t(game_->info().num_actions);
    if (out.ElementLength() != n) {
      throw Napi::RangeError::New(info.Env(), "mask must have length " + std::to_string(n) + ", got " +
                                                  std::to_string(out.ElementLength()));
    }
    const ActionSet legal = game_->legal_actions();
    for (size_t a = 0; a < n; ++a) out[a] = legal.test(int(a)) ? 1 : 0;
    return out;
  }

  Napi::Value IsTerminal(const Napi::CallbackInfo& info) { return Napi::Boolean::New(info.Env(), game_->is_terminal()); }
  Napi::Value Winner(const Napi::CallbackInfo& info) { return Napi::Number::New(info.Env(), game_->winner()); }
  Napi::Value ToMove(const Napi::CallbackInfo& info) { return Napi::Number::New(info.Env(), game_->to_move()); }
  Napi::Value Ply(const Napi::CallbackInfo& info) { return Napi::Number::New(info.Env(), game_->ply()); }
  Napi::Value Hash(const Napi::CallbackInfo& info) { return Napi::BigInt::New(info.Env(), game_->hash()); }

  Napi::Value WriteObservation(const Napi::CallbackInfo& info) {
    Napi::Float32Array out = float_arg(info, 0, "out", size_t(game_->info().obs_size));
    game_->write_observation(out.Data());
    return out;
  }

  Napi::Value Render(const Napi::CallbackInfo& info) { return Napi::String::New(info.Env(), game_->render()); }

  Napi::Value ParseMove(const Napi::CallbackInfo& info) {
    if (info.Length() < 1 || !info[0].IsString()) throw_type(info.Env(), "move must be a string");
    return Napi::Number::New(info.Env(), game_->parse_move(info[0].As<Napi::String>().Utf8Value()));
  }

  Napi::Value FormatMove(const Napi::CallbackInfo& info) {
    const int action = action_arg(info);
    if (action < 0 || action >= game_->info().num_actions) {
      throw Napi::RangeError::New(info.Env(), "action " + std::to_string(action) + " is out of range for " +
                                                  game_->info().env_id);
    }
    return Napi::String::New(info.Env(), game_->format_move(action));
  }

  Napi::Value Serialize(const Napi::CallbackInfo& info) {
    Napi::Uint8Array out = Napi::Uint8Array::New(info.Env(), game_->byte_size());
    std::memcpy(out.Data(), game_->bytes(), game_->byte_size());
    return out;
  }

  std::unique_ptr<AnyGame> game_;
};

// ------------------------------------------------------------------ functions

Napi::Value GameMetadataJs(const Napi::CallbackInfo& info) {
  Napi::Array out = Napi::Array::New(info.Env());
  uint32_t i = 0;
  for_each_game([&]<Game G>() { out.Set(i++, info_object(info.Env(), G::kInfo)); });
  return out;
}

// perft(envId, depth, distinct) -> number, or BigInt above 2^53.
Napi::Value PerftJs(const Napi::CallbackInfo& info) {
  const std::string env_id = env_id_arg(info, 0);
  const int depth = int_arg(info, 1, "depth");
  if (depth < 0) throw Napi::RangeError::New(info.Env(), "depth must be >= 0");
  if (info.Length() > 2 && !info[2].IsBoolean() && !info[2].IsUndefined()) throw_type(info.Env(), "distinct must be a boolean");
  const bool distinct = info.Length() > 2 && info[2].IsBoolean() && info[2].As<Napi::Boolean>().Value();
  uint64_t count = 0;
  const bool known = visit_game(env_id, [&]<Game G>() {
    count = distinct ? distinct_positions(G{}, depth) : perft(G{}, depth);
  });
  if (!known) throw_unknown_game(info.Env(), env_id);
  if (count > (uint64_t{1} << 53)) return Napi::BigInt::New(info.Env(), count);
  return Napi::Number::New(info.Env(), double(count));
}

Napi::Value SymmetryTablesJs(const Napi::CallbackInfo& info) {
  const std::string env_id = env_id_arg(info, 0);
  Napi::Object out = Napi::Object::New(info.Env());
  const bool known = visit_game(env_id, [&]<Game G>() {
    constexpr GameInfo gi = G::kInfo;
    constexpr int cells = gi.board_width * gi.board_height;
    Napi::Int32Array cell = Napi::Int32Array::New(info.Env(), size_t(gi.num_symmetries * cells));
    Napi::Int32Array action = Napi::Int32Array::New(info.Env(), size_t(gi.num_symmetries * gi.num_actions));
    for (int s = 0; s < gi.num_symmetries; ++s) {
      for (int c = 0; c < cells; ++c) cell[size_t(s * cells + c)] = G::symmetric_cell(s, c);
      for (int a = 0; a < gi.num_actions; ++a) action[size_t(s * gi.num_actions + a)] = G::symmetric_action(s, a);
    }
    out.Set("numSymmetries", gi.num_symmetries);
    out.Set("cell", cell);
    out.Set("action", action);
  });
  if (!known) throw_unknown_game(info.Env(), env_id);
  return out;
}

// transformObservation(envId, sym, in, out) / transformPolicy(envId, sym, in, out).
template <bool kObservation>
Napi::Value TransformJs(const Napi::CallbackInfo& info) {
  const std::string env_id = env_id_arg(info, 0);
  const int sym = int_arg(info, 1, "sym");
  const bool known = visit_game(env_id, [&]<Game G>() {
    if (sym < 0 || sym >= G::kInfo.num_symmetries) {
      throw Napi::RangeError::New(info.Env(), "sym must be in 0.." + std::to_string(G::kInfo.num_symmetries - 1) +
                                                  " for " + env_id);
    }
    const size_t n = size_t(kObservation ? G::kInfo.obs_size : G::kInfo.num_actions);
    Napi::Float32Array in = float_arg(info, 2, "in", n);
    Napi::Float32Array out = float_arg(info, 3, "out", n);
    if (in.ArrayBuffer() == out.ArrayBuffer() &&
        in.ByteOffset() < out.ByteOffset() + out.ByteLength() && out.ByteOffset() < in.ByteOffset() + in.ByteLength()) {
      throw Napi::RangeError::New(info.Env(), "in and out must not overlap");
    }
    if constexpr (kObservation) {
      transform_observation<G>(sym, in.Data(), out.Data());
    } else {
      transform_policy<G>(sym, in.Data(), out.Data());
    }
  });
  if (!known) throw_unknown_game(info.Env(), env_id);
  return info[3];
}

double thread_cpu_seconds() {
  timespec t{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
  return double(t.tv_sec) + double(t.tv_nsec) * 1e-9;
}

// benchRandomPlayouts(envId, count, seed) -> {playouts, seconds, cpuSeconds, plies, ...}: a tight
// C++ loop on this thread. cpuSeconds is this thread's CPU time, the fair figure on a busy machine.
Napi::Value BenchRandomPlayoutsJs(const Napi::CallbackInfo& info) {
  const std::string env_id = env_id_arg(info, 0);
  const int count = int_arg(info, 1, "count");
  if (count < 1) throw Napi::RangeError::New(info.Env(), "count must be >= 1");
  uint64_t seed = 0;
  if (info.Length() > 2 && !info[2].IsUndefined()) seed = uint64_t(int64_t(int_arg(info, 2, "seed")));
  uint64_t plies = 0;
  int wins[3] = {0, 0, 0};
  double seconds = 0, cpu_seconds = 0;
  const bool known = visit_game(env_id, [&]<Game G>() {
    PlayoutRng rng{seed};
    const auto start = std::chrono::steady_clock::now();
    const double cpu_start = thread_cpu_seconds();
    for (int i = 0; i < count; ++i) {
      const G end = random_playout(G{}, rng);
      plies += uint64_t(end.ply());
      wins[end.winner() == kDraw ? 2 : end.winner()]++;
    }
    cpu_seconds = thread_cpu_seconds() - cpu_start;
    seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  });
  if (!known) throw_unknown_game(info.Env(), env_id);
  Napi::Object out = Napi::Object::New(info.Env());
  out.Set("playouts", count);
  out.Set("seconds", seconds);
  out.Set("cpuSeconds", cpu_seconds);
  out.Set("plies", double(plies));
  out.Set("player1Wins", wins[0]);
  out.Set("player2Wins", wins[1]);
  out.Set("draws", wins[2]);
  return out;
}

}  // namespace

void InitGame(Napi::Env env, Napi::Object exports) {
  exports.Set("Game", GameWrap::Define(env));
  exports.Set("gameMetadata", Napi::Function::New(env, GameMetadataJs, "gameMetadata"));
  exports.Set("perft", Napi::Function::New(env, PerftJs, "perft"));
  exports.Set("symmetryTables", Napi::Function::New(env, SymmetryTablesJs, "symmetryTables"));
  exports.Set("transformObservation", Napi::Function::New(env, TransformJs<true>, "transformObservation"));
  exports.Set("transformPolicy", Napi::Function::New(env, TransformJs<false>, "transformPolicy"));
  exports.Set("benchRandomPlayouts", Napi::Function::New(env, BenchRandomPlayoutsJs, "benchRandomPlayouts"));
}

}  // namespace cartridge::binding
