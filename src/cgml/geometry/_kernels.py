"""Numba kernels of :mod:`cgml.geometry`. Arrays and scalars in, arrays/scalars out.

Units: any length unit used consistently (sigma in the papers). Orientations are
rotation matrices ``Q (3, 3)`` whose columns are the body axes in the lab frame, so a
lab vector d has body components ``Q^T d`` and a body vector b has lab components ``Q b``.

Contents (formulas and references in each docstring):

* Vega-Lago minimum distance between two line segments and the spherocylinder contact
  distance along a direction (C. Vega and S. Lago, Computers Chem. 18, 55 (1994));
* Perram-Wertheim contact function of two ellipsoids (J. W. Perram and M. S. Wertheim,
  J. Comput. Phys. 58, 409 (1985));
* superball support function, GJK distance / intersection test (E. G. Gilbert, D. W.
  Johnson and S. S. Keerthi, IEEE J. Robot. Autom. 4, 193 (1988); closest-point
  routines after C. Ericson, Real-Time Collision Detection, 2005, Sec. 5.1), and the
  Monte Carlo hit counter of the overlap volume of two superballs.
"""

from __future__ import annotations

import math

import numpy as np
from numba import njit, prange

# --------------------------------------------------------------------------------------
# small vector helpers
# --------------------------------------------------------------------------------------


@njit(cache=True)
def dot3(a, b):
    return a[0] * b[0] + a[1] * b[1] + a[2] * b[2]


@njit(cache=True)
def clamp(x, lo, hi):
    if x < lo:
        return lo
    if x > hi:
        return hi
    return x


# --------------------------------------------------------------------------------------
# segments and spherocylinders (Vega & Lago 1994)
# --------------------------------------------------------------------------------------


@njit(cache=True)
def segment_distance_vl(r12, u1, u2, h1, h2):
    """Minimum distance between segments {c1 + l u1, |l| <= h1} and {c2 + m u2, |m| <= h2}.

    ``r12 = c2 - c1`` [length], ``u1, u2`` unit vectors, ``h1, h2`` half-lengths [length].
    Returns ``(d, l, m)``: the distance and the parameters of the closest points.

    Vega-Lago: the unconstrained minimum of |r12 + m u2 - l u1|^2 is
        l0 = (r12.u1 - (u1.u2)(r12.u2)) / (1 - (u1.u2)^2),
        m0 = ((u1.u2)(r12.u1) - r12.u2) / (1 - (u1.u2)^2);
    if it lies outside the rectangle, the parameter with the larger excess is put on its
    nearest end and the other one is the clamped optimum for that end. Parallel segments
    (1 - (u1.u2)^2 < 1e-12) are solved exactly: only the axial offset t = s m - l matters
    (s = sign(u1.u2)), t* = clamp(-r12.u1, -(h1+h2), h1+h2), and l is the exact minimiser
    of the (linear-in-l) residual along the valley m = s (t* + l), so a tiny tilt of one
    segment is still resolved. For nearly parallel segments
    (1 - (u1.u2)^2 < 1e-6) the result is polished by two rounds of exact partial
    minimisation m <- clamp(l u1.u2 - r12.u2), l <- clamp(m u1.u2 + r12.u1), which can only
    lower d and removes the O(angle * length) error of the parallel branch.
    """
    rw1 = dot3(r12, u1)
    rw2 = dot3(r12, u2)
    w = dot3(u1, u2)
    cc = 1.0 - w * w
    if cc < 1e-12:
        s = 1.0 if w >= 0.0 else -1.0
        t = clamp(-rw1, -(h1 + h2), h1 + h2)
        lo = max(-h1, -h2 - t)
        hi = min(h1, h2 - t)
        # along the valley m = s (t + l): d = r0 + l e with r0 = r12 + s t u2, e = s u2 - u1
        ee = 0.0
        r0e = 0.0
        for a in range(3):
            e = s * u2[a] - u1[a]
            ee += e * e
            r0e += (r12[a] + s * t * u2[a]) * e
        lam = clamp(-r0e / ee, lo, hi) if ee > 0.0 else clamp(0.0, lo, hi)
        mu = s * (t + lam)
    else:
        lam = (rw1 - w * rw2) / cc
        mu = (w * rw1 - rw2) / cc
        if abs(lam) > h1 or abs(mu) > h2:
            if abs(lam) - h1 > abs(mu) - h2:
                lam = h1 if lam > 0.0 else -h1
                mu = clamp(lam * w - rw2, -h2, h2)
            else:
                mu = h2 if mu > 0.0 else -h2
                lam = clamp(mu * w + rw1, -h1, h1)
    if cc < 1e-6:
        # nearly parallel: polish with exact partial minimisations (each can only lower d)
        for _ in range(2):
            mu = clamp(lam * w - rw2, -h2, h2)
            lam = clamp(mu * w + rw1, -h1, h1)
    dx = r12[0] + mu * u2[0] - lam * u1[0]
    dy = r12[1] + mu * u2[1] - lam * u1[1]
    dz = r12[2] + mu * u2[2] - lam * u1[2]
    return math.sqrt(dx * dx + dy * dy + dz * dz), lam, mu


@njit(cache=True)
def segment_distances(r12, u1, u2, h1, h2, dist, lam, mu):
    """Loop of :func:`segment_distance_vl` over pairs: ``r12, u1, u2 (m, 3)``, outputs ``(m,)``."""
    for k in range(r12.shape[0]):
        dist[k], lam[k], mu[k] = segment_distance_vl(r12[k], u1[k], u2[k], h1, h2)


@njit(cache=True)
def spherocylinder_contact(u1, u2, rhat, h, diameter, tol):
    """Centre-centre distance at contact of two spherocylinders along unit ``rhat``.

    Spherocylinders of half-length ``h`` (cylinder length L = 2h) and diameter D touch when
    the minimum axis-segment distance d_m(t rhat) = D. d_m(t) is the distance from
    t rhat to the convex set {l u1 - m u2}, hence convex in t with d_m(0) = 0: it is
    non-decreasing and the root is unique. Bracket [D, L + D] (d_m(t) <= t and
    d_m(t) >= t - L) and bisect to ``tol`` [length].
    """
    lo = diameter
    hi = 2.0 * h + diameter
    r = np.empty(3)
    while hi - lo > tol:
        mid = 0.5 * (lo + hi)
        r[0] = mid * rhat[0]
        r[1] = mid * rhat[1]
        r[2] = mid * rhat[2]
        d, _, _ = segment_distance_vl(r, u1, u2, h, h)
        if d < diameter:
            lo = mid
        else:
            hi = mid
    return 0.5 * (lo + hi)


@njit(cache=True)
def spherocylinder_contacts(u1, u2, rhat, h, diameter, tol, out):
    """Loop of :func:`spherocylinder_contact` over ``(m, 3)`` arrays into ``out (m,)``."""
    for k in range(u1.shape[0]):
        out[k] = spherocylinder_contact(u1[k], u2[k], rhat[k], h, diameter, tol)


# --------------------------------------------------------------------------------------
# ellipsoids (Perram & Wertheim 1985)
# --------------------------------------------------------------------------------------


@njit(cache=True)
def solve3(c, r, y):
    """Solve the 3x3 system c y = r by Cramer's rule (c symmetric positive definite)."""
    a00, a01, a02 = c[0, 0], c[0, 1], c[0, 2]
    a10, a11, a12 = c[1, 0], c[1, 1], c[1, 2]
    a20, a21, a22 = c[2, 0], c[2, 1], c[2, 2]
    m00 = a11 * a22 - a12 * a21
    m01 = a12 * a20 - a10 * a22
    m02 = a10 * a21 - a11 * a20
    det = a00 * m00 + a01 * m01 + a02 * m02
    inv = 1.0 / det
    y[0] = (m00 * r[0] + (a02 * a21 - a01 * a22) * r[1] + (a01 * a12 - a02 * a11) * r[2]) * inv
    y[1] = (m01 * r[0] + (a00 * a22 - a02 * a20) * r[1] + (a02 * a10 - a00 * a12) * r[2]) * inv
    y[2] = (m02 * r[0] + (a01 * a20 - a00 * a21) * r[1] + (a00 * a11 - a01 * a10) * r[2]) * inv


@njit(cache=True)
def pw_contact_function(r, a_inv, b_inv, tol):
    """Maximum over lambda in [0, 1] of the Perram-Wertheim contact function.

    F(l) = l (1 - l) r^T C(l)^{-1} r,  C(l) = (1 - l) A^{-1} + l B^{-1},
    with A^{-1} = Q_A diag(a_k^2) Q_A^T (semi-axes a_k) and r = r_B - r_A. F is concave on
    [0, 1] with F'(0) = r^T A r > 0 and F'(1) = -r^T B r < 0, so its maximiser is the
    unique root of
        F'(l) = (1 - 2l) r.y - l (1 - l) y^T (B^{-1} - A^{-1}) y,   y = C(l)^{-1} r,
    found by bisection until the bracket is narrower than ``tol`` (robust, no derivative
    of F' needed). Returns ``(F_max, lambda*)``; the ellipsoids overlap iff F_max < 1.
    """
    c = np.empty((3, 3))
    y = np.empty(3)
    lo = 0.0
    hi = 1.0
    while hi - lo > tol:
        lam = 0.5 * (lo + hi)
        for i in range(3):
            for j in range(3):
                c[i, j] = (1.0 - lam) * a_inv[i, j] + lam * b_inv[i, j]
        solve3(c, r, y)
        ry = dot3(r, y)
        quad = 0.0
        for i in range(3):
            for j in range(3):
                quad += y[i] * (b_inv[i, j] - a_inv[i, j]) * y[j]
        deriv = (1.0 - 2.0 * lam) * ry - lam * (1.0 - lam) * quad
        if deriv > 0.0:
            lo = lam
        else:
            hi = lam
    lam = 0.5 * (lo + hi)
    for i in range(3):
        for j in range(3):
            c[i, j] = (1.0 - lam) * a_inv[i, j] + lam * b_inv[i, j]
    solve3(c, r, y)
    return lam * (1.0 - lam) * dot3(r, y), lam


@njit(cache=True)
def pw_contact_functions(r, a_inv, b_inv, tol, f_out, lam_out):
    """Loop of :func:`pw_contact_function`: ``r (m, 3)``, ``a_inv, b_inv (m, 3, 3)``."""
    for k in range(r.shape[0]):
        f_out[k], lam_out[k] = pw_contact_function(r[k], a_inv[k], b_inv[k], tol)


# --------------------------------------------------------------------------------------
# superballs: inside test, support function, GJK
# --------------------------------------------------------------------------------------


@njit(cache=True)
def superball_gauge(x, y, z, half_width, exponent):
    """(|x|^M + |y|^M + |z|^M) / (sigma/2)^M in body coordinates (<= 1 inside).

    Evaluated as sum |x_i / a|^M with a = sigma/2 so large M does not underflow.
    """
    inv = 1.0 / half_width
    return (abs(x * inv) ** exponent + abs(y * inv) ** exponent
            + abs(z * inv) ** exponent)


@njit(cache=True)
def superball_support_body(n, half_width, exponent, out):
    """Support point of the superball sum |x_i|^M <= a^M in body direction ``n (3,)``.

    Maximising n.x on the surface gives x_i = a sign(n_i) (|n_i| / ||n||_q)^(q-1) with the
    dual exponent q = M / (M - 1) (so q - 1 = 1/(M - 1)); the support value is
    h(n) = a ||n||_q. Requires M > 1.
    """
    q = exponent / (exponent - 1.0)
    e = 1.0 / (exponent - 1.0)
    s = abs(n[0]) ** q + abs(n[1]) ** q + abs(n[2]) ** q
    norm_q = s ** (1.0 / q)
    for i in range(3):
        ni = n[i]
        if ni == 0.0:
            out[i] = 0.0
        else:
            v = half_width * (abs(ni) / norm_q) ** e
            out[i] = v if ni > 0.0 else -v


@njit(cache=True)
def superball_support_lab(d, rot, half_width, exponent, body, out):
    """Support point (lab frame, body centred at the origin) in lab direction ``d``."""
    for i in range(3):
        body[i] = rot[0, i] * d[0] + rot[1, i] * d[1] + rot[2, i] * d[2]
    superball_support_body(body, half_width, exponent, out)
    x0, x1, x2 = out[0], out[1], out[2]
    for i in range(3):
        out[i] = rot[i, 0] * x0 + rot[i, 1] * x1 + rot[i, 2] * x2


@njit(cache=True)
def _closest_segment(w, v):
    """Closest point to the origin on segment w[0] w[1]; returns the vertex bit mask (1, 2 or 3).

    Scalar arithmetic throughout (no array temporaries) keeps numba compilation short.
    """
    ax, ay, az = w[0, 0], w[0, 1], w[0, 2]
    abx, aby, abz = w[1, 0] - ax, w[1, 1] - ay, w[1, 2] - az
    denom = abx * abx + aby * aby + abz * abz
    t = 0.0
    if denom > 0.0:
        t = -(ax * abx + ay * aby + az * abz) / denom
    if t <= 0.0:
        v[0], v[1], v[2] = ax, ay, az
        return 1
    if t >= 1.0:
        v[0], v[1], v[2] = w[1, 0], w[1, 1], w[1, 2]
        return 2
    v[0], v[1], v[2] = ax + t * abx, ay + t * aby, az + t * abz
    return 3


@njit(cache=True)
def _closest_triangle(w, ia, ib, ic, v):
    """Closest point to the origin on triangle (w[ia], w[ib], w[ic]) (Ericson 2005, Sec. 5.1.5).

    Writes the point into ``v`` and returns the bit mask of the supporting vertices
    (ia=1, ib=2, ic=4).
    """
    ax, ay, az = w[ia, 0], w[ia, 1], w[ia, 2]
    bx, by, bz = w[ib, 0], w[ib, 1], w[ib, 2]
    cx, cy, cz = w[ic, 0], w[ic, 1], w[ic, 2]
    abx, aby, abz = bx - ax, by - ay, bz - az
    acx, acy, acz = cx - ax, cy - ay, cz - az
    d1 = -(abx * ax + aby * ay + abz * az)
    d2 = -(acx * ax + acy * ay + acz * az)
    if d1 <= 0.0 and d2 <= 0.0:
        v[0], v[1], v[2] = ax, ay, az
        return 1
    d3 = -(abx * bx + aby * by + abz * bz)
    d4 = -(acx * bx + acy * by + acz * bz)
    if d3 >= 0.0 and d4 <= d3:
        v[0], v[1], v[2] = bx, by, bz
        return 2
    vc = d1 * d4 - d3 * d2
    if vc <= 0.0 and d1 >= 0.0 and d3 <= 0.0:
        t = d1 / (d1 - d3)
        v[0], v[1], v[2] = ax + t * abx, ay + t * aby, az + t * abz
        return 3
    d5 = -(abx * cx + aby * cy + abz * cz)
    d6 = -(acx * cx + acy * cy + acz * cz)
    if d6 >= 0.0 and d5 <= d6:
        v[0], v[1], v[2] = cx, cy, cz
        return 4
    vb = d5 * d2 - d1 * d6
    if vb <= 0.0 and d2 >= 0.0 and d6 <= 0.0:
        t = d2 / (d2 - d6)
        v[0], v[1], v[2] = ax + t * acx, ay + t * acy, az + t * acz
        return 5
    va = d3 * d6 - d5 * d4
    if va <= 0.0 and (d4 - d3) >= 0.0 and (d5 - d6) >= 0.0:
        t = (d4 - d3) / ((d4 - d3) + (d5 - d6))
        v[0], v[1], v[2] = bx + t * (cx - bx), by + t * (cy - by), bz + t * (cz - bz)
        return 6
    denom = 1.0 / (va + vb + vc)
    s = vb * denom
    t = vc * denom
    v[0] = ax + s * abx + t * acx
    v[1] = ay + s * aby + t * acy
    v[2] = az + s * abz + t * acz
    return 7


@njit(cache=True)
def _keep_vertices(w, i0, i1, i2, mask, t):
    """Move the vertices w[i0], w[i1], w[i2] selected by ``mask`` to the front; return their
    count. ``t`` (3, 3) is scratch."""
    m = 0
    for k in range(3):
        if mask & (1 << k):
            idx = i0 if k == 0 else (i1 if k == 1 else i2)
            t[m, 0], t[m, 1], t[m, 2] = w[idx, 0], w[idx, 1], w[idx, 2]
            m += 1
    for k in range(m):
        w[k, 0], w[k, 1], w[k, 2] = t[k, 0], t[k, 1], t[k, 2]
    return m


@njit(cache=True)
def _outside_face(w, ia, ib, ic, idd, scale):
    """True if the origin and w[idd] lie on opposite sides of plane (ia, ib, ic) (or it is degenerate)."""
    ax, ay, az = w[ia, 0], w[ia, 1], w[ia, 2]
    ux, uy, uz = w[ib, 0] - ax, w[ib, 1] - ay, w[ib, 2] - az
    vx, vy, vz = w[ic, 0] - ax, w[ic, 1] - ay, w[ic, 2] - az
    nx, ny, nz = uy * vz - uz * vy, uz * vx - ux * vz, ux * vy - uy * vx
    sign_p = -(ax * nx + ay * ny + az * nz)
    sign_d = (w[idd, 0] - ax) * nx + (w[idd, 1] - ay) * ny + (w[idd, 2] - az) * nz
    return abs(sign_d) <= 1e-13 * scale or sign_p * sign_d < 0.0


@njit(cache=True)
def _closest_simplex(w, n, v, cand, t):
    """Reduce the simplex ``w[:n]`` to the support of its point closest to the origin.

    Writes the closest point into ``v``, compacts ``w`` in place and returns the new size;
    returns 4 (and v = 0) when the origin lies inside the tetrahedron (Ericson's
    ClosestPtPointTetrahedron: test the origin against each face plane). ``cand`` (3,)
    and ``t`` (3, 3) are scratch.
    """
    if n == 1:
        v[0], v[1], v[2] = w[0, 0], w[0, 1], w[0, 2]
        return 1
    if n == 2:
        mask = _closest_segment(w, v)
        if mask == 3:
            return 2
        if mask == 2:
            w[0, 0], w[0, 1], w[0, 2] = w[1, 0], w[1, 1], w[1, 2]
        return 1
    # triangle (n == 3): its single face, always "outside"; tetrahedron: the four faces
    # (0,1,2|3), (0,2,3|1), (0,3,1|2), (1,3,2|0). One call site per helper keeps the
    # compiled code (and numba's compile time) small.
    scale = 0.0
    for k in range(n):
        scale = max(scale, w[k, 0] ** 2 + w[k, 1] ** 2 + w[k, 2] ** 2)
    scale = scale * math.sqrt(scale)
    best = np.inf
    best_mask = 0
    best_face = -1
    n_faces = 1 if n == 3 else 4
    for f in range(n_faces):
        ia, ib, ic, idd = _face(f)
        if n == 3 or _outside_face(w, ia, ib, ic, idd, scale):
            mask = _closest_triangle(w, ia, ib, ic, cand)
            dd = cand[0] ** 2 + cand[1] ** 2 + cand[2] ** 2
            if dd < best:
                best = dd
                best_mask = mask
                best_face = f
                v[0], v[1], v[2] = cand[0], cand[1], cand[2]
    if best_face < 0:
        v[0], v[1], v[2] = 0.0, 0.0, 0.0
        return 4
    ia, ib, ic, _ = _face(best_face)
    return _keep_vertices(w, ia, ib, ic, best_mask, t)


@njit(cache=True)
def _face(f):
    """Vertex indices (a, b, c | opposite d) of face ``f`` of a tetrahedron."""
    if f == 0:
        return 0, 1, 2, 3
    if f == 1:
        return 0, 2, 3, 1
    if f == 2:
        return 0, 3, 1, 2
    return 1, 3, 2, 0


@njit(cache=True)
def gjk_superballs(r, rot_a, a_a, p_a, rot_b, a_b, p_b, boolean_only, max_iter, tol):
    """GJK distance between superball A (centre 0) and superball B (centre ``r``).

    Superball: sum |x_i / a|^p <= 1 in its body frame (half-width a = sigma/2, exponent
    p > 1), orientation ``rot`` (columns = body axes). GJK iterates on the Minkowski
    difference D = A - B with support s_D(d) = s_A(d) - r - s_B(-d); the point v of the
    current simplex closest to the origin bounds the distance from above (|v|) and
    v.w/|v| (w = s_D(-v)) bounds it from below.

    Returns ``(distance, overlap, lower_bound, iterations)``: ``overlap`` is True when the
    origin is enclosed by the simplex or the distance is below ``tol`` [length]. With
    ``boolean_only`` the loop stops at the first separating axis (v.w > 0) and
    ``distance`` is then only an upper bound. If ``max_iter`` is reached without a proof
    of separation (bodies touching to within the iteration budget) the pair is reported
    as overlapping (conservative for hard-core Monte Carlo).
    """
    # one allocation per call: simplex w (4 rows), v, neg, sa, sb, body, new, cand, t (3 rows)
    work = np.empty((14, 3))
    w = work[0:4]
    v = work[4]
    neg = work[5]
    sa = work[6]
    sb = work[7]
    body = work[8]
    new = work[9]
    cand = work[10]
    t = work[11:14]
    v[0], v[1], v[2] = -r[0], -r[1], -r[2]
    if dot3(v, v) <= tol * tol:
        return 0.0, True, 0.0, 0
    n = 0
    lower = 0.0
    for it in range(max_iter):
        neg[0], neg[1], neg[2] = -v[0], -v[1], -v[2]
        superball_support_lab(neg, rot_a, a_a, p_a, body, sa)
        superball_support_lab(v, rot_b, a_b, p_b, body, sb)
        for i in range(3):
            new[i] = sa[i] - r[i] - sb[i]
        vv = dot3(v, v)
        vw = dot3(v, new)
        vnorm = math.sqrt(vv)
        if vw > 0.0:
            lower = max(lower, vw / vnorm)
            if boolean_only:
                return vnorm, False, lower, it + 1
        if vnorm - vw / vnorm <= tol:
            return vnorm, vnorm <= tol, lower, it + 1
        w[n, 0], w[n, 1], w[n, 2] = new[0], new[1], new[2]
        n += 1
        n = _closest_simplex(w, n, v, cand, t)
        if n == 4:
            return 0.0, True, 0.0, it + 1
        if dot3(v, v) <= tol * tol:
            return math.sqrt(dot3(v, v)), True, 0.0, it + 1
    vnorm = math.sqrt(dot3(v, v))
    return vnorm, lower <= tol, lower, max_iter


@njit(cache=True)
def gjk_superball_pairs(r, rot_a, a_a, p_a, rot_b, a_b, p_b, boolean_only, max_iter, tol,
                        dist, overlap):
    """Loop of :func:`gjk_superballs` over ``r (m, 3)``, ``rot_a, rot_b (m, 3, 3)``."""
    for k in range(r.shape[0]):
        d, o, _, _ = gjk_superballs(r[k], rot_a[k], a_a, p_a, rot_b[k], a_b, p_b,
                                    boolean_only, max_iter, tol)
        dist[k] = d
        overlap[k] = o


@njit(cache=True)
def superball_contacts(rhat, rot_a, rot_b, a, p, lo0, hi0, max_iter, tol_gjk, tol, out):
    """Centre-centre contact distance of two identical superballs along each ``rhat[k]``.

    The overlap region {t : A and B + t rhat intersect} is an interval around 0 (the
    Minkowski difference A - B is convex and contains the origin), so the contact point is
    the unique change of sign of the GJK overlap test on [lo0, hi0]; bisected to ``tol``.
    """
    r = np.empty(3)
    for k in range(rhat.shape[0]):
        lo = lo0
        hi = hi0
        while hi - lo > tol:
            mid = 0.5 * (lo + hi)
            for i in range(3):
                r[i] = mid * rhat[k, i]
            _, o, _, _ = gjk_superballs(r, rot_a[k], a, p, rot_b[k], a, p, True, max_iter,
                                        tol_gjk)
            if o:
                lo = mid
            else:
                hi = mid
        out[k] = 0.5 * (lo + hi)


@njit(cache=True, inline="always")
def _in_two_superballs(u, k, lo, width, r_b, rot_a, rot_b, a, p):
    """1 if point ``lo + u[k] * width`` lies inside both superballs, else 0."""
    x0 = lo[0] + u[k, 0] * width[0]
    x1 = lo[1] + u[k, 1] * width[1]
    x2 = lo[2] + u[k, 2] * width[2]
    bx = rot_a[0, 0] * x0 + rot_a[1, 0] * x1 + rot_a[2, 0] * x2
    by = rot_a[0, 1] * x0 + rot_a[1, 1] * x1 + rot_a[2, 1] * x2
    bz = rot_a[0, 2] * x0 + rot_a[1, 2] * x1 + rot_a[2, 2] * x2
    if superball_gauge(bx, by, bz, a, p) > 1.0:
        return 0
    y0 = x0 - r_b[0]
    y1 = x1 - r_b[1]
    y2 = x2 - r_b[2]
    bx = rot_b[0, 0] * y0 + rot_b[1, 0] * y1 + rot_b[2, 0] * y2
    by = rot_b[0, 1] * y0 + rot_b[1, 1] * y1 + rot_b[2, 1] * y2
    bz = rot_b[0, 2] * y0 + rot_b[1, 2] * y1 + rot_b[2, 2] * y2
    return 1 if superball_gauge(bx, by, bz, a, p) <= 1.0 else 0


@njit(cache=True)
def count_in_two_superballs(u, lo, width, r_b, rot_a, rot_b, a, p):
    """Number of points ``lo + u[k] * width`` (``u (n, 3)`` in [0, 1)^3) inside both superballs.

    Superball A centred at the origin, B at ``r_b``; both of half-width ``a`` and exponent
    ``p`` (inside: sum |x_i/a|^p <= 1 in the body frame, Eq. of Campos-Villalobos et al.
    2024, Methods).
    """
    count = 0
    for k in range(u.shape[0]):
        count += _in_two_superballs(u, k, lo, width, r_b, rot_a, rot_b, a, p)
    return count


@njit(cache=True, parallel=True)
def count_in_two_superballs_parallel(u, lo, width, r_b, rot_a, rot_b, a, p):
    """:func:`count_in_two_superballs` on numba's threads (the same integer count)."""
    count = 0
    for k in prange(u.shape[0]):
        count += _in_two_superballs(u, k, lo, width, r_b, rot_a, rot_b, a, p)
    return count
