// JavaScript class `Connect4Solver`: one solver (and its transposition table,
// reused across calls) per instance. Positions cross as Pons move strings
// ("4453": digits 1..7) or as a 42-cell board (Int8Array, row * 7 + col, row 0 =
// bottom; 0 = player 1, 1 = player 2, -1 = empty).
#include <napi.h>

#include <memory>
#include <string>

#include "binding/exports.hpp"
#include "solver/connect4_solver.hpp"

namespace cartridge::binding {
namespace {

using solver::Connect4Solver;
using solver::Position;

class SolverObject : public Napi::ObjectWrap<SolverObject> {
 public:
  static Napi::Function Define(Napi::Env env) {
    return DefineClass(env, "Connect4Solver",
                       {
                           InstanceMethod<&SolverObject::Solve>("solve"),
                           InstanceMethod<&SolverObject::Analyze>("analyze"),
                           InstanceMethod<&SolverObject::AnalyzeCells>("analyzeCells"),
                           InstanceMethod<&SolverObject::Validate>("validate"),
                           InstanceMethod<&SolverObject::Clear>("clear"),
                           InstanceMethod<&SolverObject::ResetNodeCount>("resetNodeCount"),
                           InstanceAccessor<&SolverObject::NodeCount>("nodeCount"),
                           InstanceAccessor<&SolverObject::TableBytes>("tableBytes"),
                       });
  }

  explicit SolverObject(const Napi::CallbackInfo& info) : Napi::ObjectWrap<SolverObject>(info) {
    int log2 = Connect4Solver::kDefaultTableLog2;
    if (info.Length() > 0 && !info[0].IsUndefined()) {
      if (!info[0].IsNumber()) throw Napi::TypeError::New(info.Env(), "tableLog2 must be an integer in [18, 30]");
      const double v = info[0].As<Napi::Number>().DoubleValue();
      if (v != static_cast<int>(v) || v < 18 || v > 30) {
        throw Napi::RangeError::New(info.Env(), "tableLog2 must be an integer in [18, 30]");
      }
      log2 = static_cast<int>(v);
    }
    solver_ = std::make_unique<Connect4Solver>(log2);
  }

 private:
  static std::string MovesArg(const Napi::CallbackInfo& info) {
    if (info.Length() < 1 || !info[0].IsString()) throw Napi::TypeError::New(info.Env(), "moves must be a string of digits 1..7");
    return info[0].As<Napi::String>().Utf8Value();
  }
  static bool WeakArg(const Napi::CallbackInfo& info, size_t index) {
    if (info.Length() <= index || info[index].IsUndefined()) return false;
    if (!info[index].IsBoolean()) throw Napi::TypeError::New(info.Env(), "weak must be a boolean");
    return info[index].As<Napi::Boolean>().Value();
  }
  static Position ParsedPosition(const Napi::CallbackInfo& info) {
    Position p;
    if (const auto error = solver::position_from_pons(MovesArg(info), p)) throw Napi::RangeError::New(info.Env(), *error);
    return p;
  }
  Napi::Value ScoresArray(Napi::Env env, const Position& p, bool weak) {
    const auto scores = solver_->analyze(p, weak);
    Napi::Array out = Napi::Array::New(env, scores.size());
    for (uint32_t i = 0; i < scores.size(); ++i) {
      out.Set(i, scores[i] ? Napi::Value(Napi::Number::New(env, *scores[i])) : env.Null());
    }
    return out;
  }

  Napi::Value Solve(const Napi::CallbackInfo& info) {
    const Position p = ParsedPosition(info);
    return Napi::Number::New(info.Env(), solver_->solve(p, WeakArg(info, 1)));
  }
  Napi::Value Analyze(const Napi::CallbackInfo& info) {
    const Position p = ParsedPosition(info);
    return ScoresArray(info.Env(), p, WeakArg(info, 1));
  }
  // analyzeCells(cells: Int8Array(42), weak?): the side to move follows from the stone counts.
  Napi::Value AnalyzeCells(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    if (info.Length() < 1 || !info[0].IsTypedArray() || info[0].As<Napi::TypedArray>().TypedArrayType() != napi_int8_array) {
      throw Napi::TypeError::New(env, "cells must be an Int8Array of 42 cells");
    }
    const Napi::Int8Array cells = info[0].As<Napi::Int8Array>();
    if (cells.ElementLength() != static_cast<size_t>(solver::kCells)) throw Napi::TypeError::New(env, "cells must be an Int8Array of 42 cells");
    uint64_t stones[2] = {0, 0};
    int counts[2] = {0, 0};
    for (int col = 0; col < solver::kWidth; ++col) {
      bool gap = false;
      for (int row = 0; row < solver::kHeight; ++row) {
        const int owner = cells[row * solver::kWidth + col];
        if (owner != -1 && owner != 0 && owner != 1) throw Napi::RangeError::New(env, "cells: values must be -1, 0 or 1");
        if (owner == -1) {
          gap = true;
          continue;
        }
        if (gap) throw Napi::RangeError::New(env, "cells: a stone floats above an empty cell");
        stones[owner] |= uint64_t{1} << (col * (solver::kHeight + 1) + row);
        ++counts[owner];
      }
    }
    if (counts[0] != counts[1] && counts[0] != counts[1] + 1) throw Napi::RangeError::New(env, "cells: stone counts are not a reachable position");
    const int mover = counts[0] == counts[1] ? 0 : 1;
    const Position p = Position::from_bitboards(stones[mover], stones[0] | stones[1], counts[0] + counts[1]);
    if (p.last_mover_won()) {
      throw Napi::RangeError::New(env, "cells: the game is already won");
    }
    return ScoresArray(env, p, WeakArg(info, 1));
  }
  Napi::Value Validate(const Napi::CallbackInfo& info) {
    Position p;
    const auto error = solver::position_from_pons(MovesArg(info), p);
    return error ? Napi::Value(Napi::String::New(info.Env(), *error)) : info.Env().Null();
  }
  Napi::Value Clear(const Napi::CallbackInfo& info) {
    solver_->clear();
    return info.Env().Undefined();
  }
  Napi::Value ResetNodeCount(const Napi::CallbackInfo& info) {
    solver_->reset_node_count();
    return info.Env().Undefined();
  }
  Napi::Value NodeCount(const Napi::CallbackInfo& info) {
    return Napi::Number::New(info.Env(), static_cast<double>(solver_->node_count()));
  }
  Napi::Value TableBytes(const Napi::CallbackInfo& info) {
    return Napi::Number::New(info.Env(), static_cast<double>(solver_->table_bytes()));
  }

  std::unique_ptr<Connect4Solver> solver_;
};

}  // namespace

void InitSolver(Napi::Env env, Napi::Object exports) { exports.Set("Connect4Solver", SolverObject::Define(env)); }

}  // namespace cartridge::binding
