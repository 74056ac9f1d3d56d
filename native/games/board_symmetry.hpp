#pragma once
// The 8 symmetries of a square board (dihedral group D4) on cell indices
// row * n + col. Index 0 is the identity; 1-3 rotate by 90/180/270 degrees
// counter-clockwise; 4 mirrors left-right; 5-7 are the mirror followed by a rotation.
// The trainer's augmentation (trainer/cartridge_trainer/symmetry.py) must match this.
namespace cartridge {

constexpr int kSquareSymmetries = 8;

constexpr int square_symmetric_cell(int sym, int cell, int n) {
  int r = cell / n;
  int c = cell % n;
  if (sym >= 4) c = n - 1 - c;  // mirror first
  for (int k = 0; k < (sym & 3); ++k) {
    const int nr = n - 1 - c;  // rotate 90 degrees counter-clockwise
    c = r;
    r = nr;
  }
  return r * n + c;
}

}  // namespace cartridge
