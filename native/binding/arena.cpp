// JavaScript class `SelfPlayArena`: G self-play games searched together, driven by one
// step() call per network batch (see mcts/selfplay_arena.hpp for the contract).
//   new SelfPlayArena({envId, numGames, simulations, maxBatch?, cPuct?, fpuReduction?,
//                      dirichletAlpha?, dirichletEpsilon?, temperatureMoves?, temperature?,
//                      cacheSize?, seed?})
//   step(logits: Float32Array | null, values: Float32Array | null, observationsOut: Float32Array): number
//   stepAsync(same arguments): Promise<number> — the same tree work on a libuv pool thread, so the
//     JS thread can run ONNX Runtime (which computes on the calling thread) for another arena
//     meanwhile. The arguments stay referenced until it settles; every other method throws while
//     it is in flight.
//   takeEpisodes(): {count, stepCounts, episodeIndices, winners, observations, legalMasks,
//                    actions, policies, rootValues, toMove, outcomes}
//   stats(), requestStop(discardUnfinished?), activeGames, pending, obsSize, numActions, maxBatch
#include <napi.h>

#include <memory>

#include "binding/exports.hpp"
#include "binding/search_options.hpp"
#include "games/registry.hpp"
#include "mcts/selfplay_arena.hpp"

namespace cartridge::binding {
namespace {

using mcts::EpisodeBatch;
using mcts::SearchParams;
using mcts::SearchStats;

// The arena with its game type erased, so one JS class serves every game.
class AnyArena {
 public:
  virtual ~AnyArena() = default;
  virtual int step(const float* logits, const float* values, float* obs) = 0;
  virtual int pending() const = 0;
  virtual int max_batch() const = 0;
  virtual int active_games() const = 0;
  virtual void request_stop(bool discard) = 0;
  virtual void take_episodes(EpisodeBatch& out) = 0;
  virtual SearchStats stats() const = 0;
  int obs_size = 0;
  int num_actions = 0;
};

template <Game G>
class ArenaOf final : public AnyArena {
 public:
  ArenaOf(const SearchParams& p, int games, int max_batch) : arena_(p, games, max_batch) {
    obs_size = G::kInfo.obs_size;
    num_actions = G::kInfo.num_actions;
  }
  int step(const float* l, const float* v, float* o) override { return arena_.step(l, v, o); }
  int pending() const override { return arena_.pending(); }
  int max_batch() const override { return arena_.max_batch(); }
  int active_games() const override { return arena_.active_games(); }
  void request_stop(bool discard) override { arena_.request_stop(discard); }
  void take_episodes(EpisodeBatch& out) override { arena_.take_episodes(out); }
  SearchStats stats() const override { return arena_.stats(); }

 private:
  mcts::SelfPlayArena<G> arena_;
};

// Runs one step() off the JS thread; resolves with the batch size.
class StepWorker final : public Napi::AsyncWorker {
 public:
  StepWorker(Napi::Env env, AnyArena& arena, const search::StepArgs& args, bool& busy)
      : Napi::AsyncWorker(env, "cartridge.SelfPlayArena.stepAsync"),
        deferred_(Napi::Promise::Deferred::New(env)),
        arena_(arena),
        args_(args),
        busy_(busy) {}

  // Keeps the arena object and the typed arrays alive while the pool thread uses them.
  void Keep(const Napi::CallbackInfo& info) {
    Napi::Object held = Napi::Object::New(Env());
    held.Set("arena", info.This());
    for (size_t i = 0; i < 3 && i < info.Length(); ++i) held.Set(uint32_t(i), info[i]);
    held_ = Napi::Persistent(held);
  }

  Napi::Promise Promise() const { return deferred_.Promise(); }

  void Execute() override { batch_ = arena_.step(args_.logits, args_.values, args_.observations); }

  void OnOK() override {
    busy_ = false;
    deferred_.Resolve(Napi::Number::New(Env(), batch_));
  }

  void OnError(const Napi::Error& error) override {
    busy_ = false;
    deferred_.Reject(error.Value());
  }

 private:
  Napi::Promise::Deferred deferred_;
  Napi::ObjectReference held_;
  AnyArena& arena_;
  search::StepArgs args_;
  bool& busy_;
  int batch_ = 0;
};

class ArenaObject : public Napi::ObjectWrap<ArenaObject> {
 public:
  static Napi::Function Define(Napi::Env env) {
    return DefineClass(env, "SelfPlayArena",
                       {
                           InstanceMethod<&ArenaObject::Step>("step"),
                           InstanceMethod<&ArenaObject::StepAsync>("stepAsync"),
                           InstanceMethod<&ArenaObject::TakeEpisodes>("takeEpisodes"),
                           InstanceMethod<&ArenaObject::Stats>("stats"),
                           InstanceMethod<&ArenaObject::RequestStop>("requestStop"),
                           InstanceAccessor<&ArenaObject::ActiveGames>("activeGames"),
                           InstanceAccessor<&ArenaObject::Pending>("pending"),
                           InstanceAccessor<&ArenaObject::ObsSize>("obsSize"),
                           InstanceAccessor<&ArenaObject::NumActions>("numActions"),
                           InstanceAccessor<&ArenaObject::MaxBatch>("maxBatch"),
                       });
  }

  explicit ArenaObject(const Napi::CallbackInfo& info) : Napi::ObjectWrap<ArenaObject>(info) {
    const Napi::Object o = search::OptionsArg(info);
    const std::string env_id = search::EnvIdOption(o);
    const SearchParams params = search::ParamsFrom(o);
    const int games = int(search::IntOption(o, "numGames", 64, 1, 1 << 16));
    const int max_batch = int(search::IntOption(o, "maxBatch", 0, 0, 1 << 16));
    const bool known = visit_game(env_id, [&]<class G>() {
      arena_ = std::make_unique<ArenaOf<G>>(params, games, max_batch);
    });
    if (!known) throw Napi::RangeError::New(info.Env(), "options.envId: unknown game \"" + env_id + "\"");
  }

 private:
  // The arena is being stepped on a pool thread: touching it now would race.
  void CheckIdle(Napi::Env env) const {
    if (busy_) throw Napi::Error::New(env, "SelfPlayArena is busy: a stepAsync() call has not settled yet");
  }

  Napi::Value StepAsync(const Napi::CallbackInfo& info) {
    CheckIdle(info.Env());
    AnyArena& a = *arena_;
    const search::StepArgs args = search::StepArgsFrom(info, a.pending(), a.num_actions, a.max_batch(), a.obs_size);
    auto* worker = new StepWorker(info.Env(), a, args, busy_);
    worker->Keep(info);
    busy_ = true;
    worker->Queue();
    return worker->Promise();
  }

  Napi::Value Step(const Napi::CallbackInfo& info) {
    CheckIdle(info.Env());
    AnyArena& a = *arena_;
    const search::StepArgs args = search::StepArgsFrom(info, a.pending(), a.num_actions, a.max_batch(), a.obs_size);
    return Napi::Number::New(info.Env(), a.step(args.logits, args.values, args.observations));
  }

  Napi::Value TakeEpisodes(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    CheckIdle(env);
    arena_->take_episodes(taken_);
    const EpisodeBatch& e = taken_;
    Napi::Object out = Napi::Object::New(env);
    out.Set("count", double(e.count()));
    out.Set("stepCounts", search::CopyOut<int32_t, Napi::Int32Array>(env, e.step_counts));
    std::vector<double> indices(e.episode_indices.begin(), e.episode_indices.end());
    out.Set("episodeIndices", search::CopyOut<double, Napi::Float64Array>(env, indices));
    out.Set("winners", search::CopyOut<int8_t, Napi::Int8Array>(env, e.winners));
    out.Set("observations", search::CopyOut<float, Napi::Float32Array>(env, e.observations));
    out.Set("legalMasks", search::CopyOut<uint8_t, Napi::Uint8Array>(env, e.legal_masks));
    out.Set("actions", search::CopyOut<int32_t, Napi::Int32Array>(env, e.actions));
    out.Set("policies", search::CopyOut<float, Napi::Float32Array>(env, e.policies));
    out.Set("rootValues", search::CopyOut<float, Napi::Float32Array>(env, e.root_values));
    out.Set("toMove", search::CopyOut<int8_t, Napi::Int8Array>(env, e.to_move));
    out.Set("outcomes", search::CopyOut<float, Napi::Float32Array>(env, e.outcomes));
    taken_.clear();
    return out;
  }

  Napi::Value Stats(const Napi::CallbackInfo& info) {
    CheckIdle(info.Env());
    return search::StatsObject(info.Env(), arena_->stats());
  }

  Napi::Value RequestStop(const Napi::CallbackInfo& info) {
    CheckIdle(info.Env());
    bool discard = false;
    if (!search::IsNullish(info, 0)) {
      if (!info[0].IsBoolean()) throw Napi::TypeError::New(info.Env(), "discardUnfinished must be a boolean");
      discard = info[0].As<Napi::Boolean>().Value();
    }
    arena_->request_stop(discard);
    return info.Env().Undefined();
  }

  Napi::Value ActiveGames(const Napi::CallbackInfo& info) {
    CheckIdle(info.Env());
    return Napi::Number::New(info.Env(), arena_->active_games());
  }
  Napi::Value Pending(const Napi::CallbackInfo& info) {
    CheckIdle(info.Env());
    return Napi::Number::New(info.Env(), arena_->pending());
  }
  Napi::Value ObsSize(const Napi::CallbackInfo& info) { return Napi::Number::New(info.Env(), arena_->obs_size); }
  Napi::Value NumActions(const Napi::CallbackInfo& info) { return Napi::Number::New(info.Env(), arena_->num_actions); }
  Napi::Value MaxBatch(const Napi::CallbackInfo& info) { return Napi::Number::New(info.Env(), arena_->max_batch()); }

  std::unique_ptr<AnyArena> arena_;
  EpisodeBatch taken_;
  bool busy_ = false;
};

}  // namespace

void InitArena(Napi::Env env, Napi::Object exports) { exports.Set("SelfPlayArena", ArenaObject::Define(env)); }

}  // namespace cartridge::binding
