#!/usr/bin/env python3
"""The enterprise kernel of Forecast in numpy, timed beside the C# kernel on the same work.

Reads a folder written by `Forecast.Benchmarks export-kernel DIR` (the baseline population's
enterprise profiles, the step rules, and one batch's yearly contexts: the per-trial rates and
counts the agents read, with the C# kernel's per-trial metric sums), steps every enterprise
through the same years with the same single-precision arithmetic and the same Philox4x32-10
uniforms, checks that every per-trial metric sum equals the C# one, then times the steps
(median of --repeats) and prints key=value lines: numpy's ns per agent-trial-year and how many times
faster the C# kernel (DIR/kernel-cs.txt) is, on one thread and on every core.

The numpy code is written as a numpy user would write it: whole arrays of (agents x trials) per
operation, boolean masks for branches, awake agents only (as the C# engines skip dormant ones).
It is single-threaded (numpy's element-wise operations are); the C# figures are given for one
thread and for every core.

usage: enterprise_kernel.py DIR [--repeats R] [--chunk AGENTS] [--out FILE]
"""
import argparse
import json
import os
import sys
import time

import numpy as np

M0 = np.uint64(0xD2511F53)
M1 = np.uint64(0xCD9E8D57)
W0 = 0x9E3779B9
W1 = 0xBB67AE85
MASK32 = np.uint64(0xFFFFFFFF)

LATENT, EXITED, CANDIDATE, EAGLET, PTSME, HTE = 0, 1, 2, 3, 4, 5
f32 = np.float32


def philox4x32_10(k0, k1, c0, c1, c2, c3):
    """Philox4x32-10 (Random123) over arrays of counters: four uint32 arrays out."""
    c0, c1, c2, c3 = (np.asarray(c, dtype=np.uint64) for c in (c0, c1, c2, c3))
    for r in range(10):
        if r:
            k0 = (k0 + W0) & 0xFFFFFFFF
            k1 = (k1 + W1) & 0xFFFFFFFF
        p0 = M0 * c0
        p1 = M1 * c2
        n0 = (p1 >> np.uint64(32)) ^ c1 ^ np.uint64(k0)
        n2 = (p0 >> np.uint64(32)) ^ c3 ^ np.uint64(k1)
        c1 = p1 & MASK32
        c3 = p0 & MASK32
        c0, c2 = n0, n2
    return tuple(c.astype(np.uint32) for c in (c0, c1, c2, c3))


def uniforms(key, agents, trials, year):
    """Each agent's four 16-bit uniforms per trial: the halves of the block at (T / 2, agent, year, 0), low half for even T."""
    pairs = trials // 2
    c0 = np.broadcast_to(np.arange(pairs, dtype=np.uint64), (len(agents), pairs))
    c1 = np.broadcast_to(agents.astype(np.uint64)[:, None], (len(agents), pairs))
    words = philox4x32_10(key[0], key[1], c0, c1, np.uint64(year), np.uint64(0))
    scale, half = f32(1 / 65536), f32(1 / 131072)
    # little-endian: a uint32's low 16 bits come first, so the uint16 view is trial order
    return [np.ascontiguousarray(w).view(np.uint16).astype(f32) * scale + half for w in words]


def money(millions):
    """Thousands of yuan as int32: (x * 1000 + 0.5) truncated, capped at 2e9 (the kernel's TF.Money)."""
    x = millions * f32(1000) + f32(0.5)
    return np.minimum(x, f32(2e9)).astype(np.int32)


class Kernel:
    def __init__(self, folder):
        self.dir = folder
        with open(os.path.join(folder, "rules.json")) as f:
            self.rules = json.load(f)
        r = self.rules
        def load(name):
            return np.load(os.path.join(folder, name + ".npy"))

        self.tier0, self.rank, self.inst0 = load("tier0"), load("rank"), load("institution0")
        self.cert0, self.born0, self.high_tech = load("cert0"), load("born0"), load("high_tech").astype(bool)
        self.rev0, self.rd_intensity = load("revenue0"), load("rd_intensity")
        self.centred_quality, self.va_ratio, self.invest_ratio = load("centred_quality"), load("va_ratio"), load("invest_ratio")
        self.trials = r["trials"]
        self.years = list(range(r["first_year"], r["last_year"] + 1))
        self.rate = {name: i for i, name in enumerate(r["rates"])}
        self.count = {name: i for i, name in enumerate(r["counts"])}
        self.metric = {name: i for i, name in enumerate(r["metrics"])}
        self.rates = {y: load(f"rates-{y}") for y in self.years}
        self.counts = {y: load(f"counts-{y}") for y in self.years}
        self.expected = {y: load(f"expected-{y}") for y in self.years}
        ex, ap, inst = r["exit_rate"], r["hte_apply"], r["institution_upgrade"]
        self.exit_table = np.array([0, 0, ex[0], ex[1], ex[2], ex[3]], dtype=f32)
        self.apply_table = np.array([0, 0, ap[0], ap[1], ap[2], 0], dtype=f32)
        lc, le = r["ptsme_listing_candidate"], r["ptsme_listing_eaglet"]
        self.listing_table = np.array([0, 0, lc, le, 0, lc], dtype=f32)
        self.inst_table = np.array([inst[0], inst[1], inst[2], inst[3], 0], dtype=f32)
        self.c = {k: f32(v) for k, v in r.items() if isinstance(v, (int, float))}

    def dormant(self, year):
        """Agents absent from every trial this year (EnterpriseAgent.IsDormant)."""
        counts = self.counts[year]
        top = {name: counts[i].max() for name, i in self.count.items()}
        stock = np.select(
            [self.tier0 == LATENT, self.tier0 == HTE, self.tier0 == PTSME, self.tier0 == EAGLET],
            [top["ActiveEntrants"], top["InitialHte"], top["InitialPtsme"], top["InitialEaglet"]],
            top["InitialCandidate"])
        return self.rank >= stock

    def run(self, chunk, check):
        """Every year of the batch: each awake agent's Init before its first step, then the year's step, agents in chunks; returns the per-year metric sums."""
        n, trials = len(self.tier0), self.trials
        meta = np.zeros((n, trials), dtype=np.int32)
        revenue = np.zeros((n, trials), dtype=f32)
        initialised = np.zeros(n, dtype=bool)
        sums = {}
        for year in self.years:
            out = np.zeros((len(self.metric), trials), dtype=np.int64)
            awake = np.flatnonzero(~self.dormant(year))
            fresh = awake[~initialised[awake]]  # each agent initialised before its first step; dormant ones never
            initialised[fresh] = True
            for a in range(0, len(fresh), chunk):
                self.init(fresh[a:a + chunk], year, meta, revenue, out)
            for a in range(0, len(awake), chunk):
                self.step(awake[a:a + chunk], year, meta, revenue, out)
            if check and not np.array_equal(out, self.expected[year]):
                bad = [m for m, i in self.metric.items() if not np.array_equal(out[i], self.expected[year][i])]
                raise SystemExit(f"numpy kernel: {year} differs from the C# kernel in {', '.join(bad)}")
            sums[year] = out
        return sums

    def rows(self, year):
        rates = self.rates[year]
        return {name: rates[i] for name, i in self.rate.items()}

    def init(self, agents, year, meta, revenue, out):
        c = self.c
        R = self.rows(year)
        counts = self.counts[year]
        tier0 = self.tier0[agents][:, None]
        packed = (tier0 | (self.inst0[agents][:, None] << 8) | (self.cert0[agents][:, None] << 16) | (self.born0[agents][:, None] << 24)).astype(np.int32)
        stock = np.select([tier0 == HTE, tier0 == PTSME, tier0 == EAGLET],
                          [self.count["InitialHte"], self.count["InitialPtsme"], self.count["InitialEaglet"]], self.count["InitialCandidate"])
        latent = tier0 == LATENT
        present = latent | (self.rank[agents][:, None] < counts[stock[:, 0]])
        rev = self.rev0[agents][:, None] * R["RevenueLevel"][None, :]
        meta[agents] = np.where(present, packed, (packed & ~0xFF) | EXITED)
        revenue[agents] = rev
        live = present & ~latent
        M = self.metric
        out[M["BaseHteStock"]] += (live & (tier0 == HTE)).sum(axis=0)
        out[M["BasePtsmeStock"]] += (live & (((tier0 == HTE) & (rev <= c["sme_max_revenue"])) | (tier0 == PTSME))).sum(axis=0)
        out[M["BaseRdSpend"]] += np.where(live, money(rev * self.rd_intensity[agents][:, None] * R["RdLevel"][None, :]), 0).sum(axis=0)
        va = np.where(live & (rev >= c["above_scale_revenue"]), money(rev * self.va_ratio[agents][:, None]), 0)
        out[M["BaseAboveScaleVa"]] += va.sum(axis=0)
        ht = self.high_tech[agents][:, None]
        out[M["BaseHtVa"]] += np.where(ht, va, 0).sum(axis=0)
        out[M["BaseHtInvest"]] += np.where(live & ht, money(rev * self.invest_ratio[agents][:, None]), 0).sum(axis=0)

    def step(self, agents, year, meta_all, revenue_all, out):
        c, r = self.c, self.rules
        R = {k: v[None, :] for k, v in self.rows(year).items()}
        counts = self.counts[year]
        one, zero, two, half = f32(1), f32(0), f32(2), f32(0.5)
        meta, revenue_old = meta_all[agents], revenue_all[agents]
        tier, inst = meta & 0xFF, (meta >> 8) & 0xFF
        cert, born = (meta >> 16) & 0xFF, (meta >> 24) & 0xFF
        rank = self.rank[agents][:, None]

        births = (tier == LATENT) & (rank < counts[self.count["ActiveEntrants"]][None, :])
        tier = np.where(births, CANDIDATE, tier)
        born = np.where(births, year - 1900, born)
        revenue_old = np.where(births, self.rev0[agents][:, None] * R["RevenueLevel"], revenue_old)
        live = tier >= CANDIDATE

        u0, u1, u, u3 = uniforms(tuple(r["key"]), agents, self.trials, year)
        quality = one + R["QualitySpread"] * self.centred_quality[agents][:, None]
        is_hte = tier == HTE
        growth = R["FirmGrowth"] + np.where(is_hte, R["HtePremium"], zero) + R["FirmNoise"] * (two * u0 - one)
        revenue = np.maximum(revenue_old * (one + growth), f32(0.01))

        slope = R["ExitSizeSlope"]
        size = np.where(revenue < c["exit_small_revenue"], one + slope,
                        np.where(revenue > c["exit_large_revenue"], one - half * slope, one))
        p_exit = self.exit_table[tier] * R["Exit"] * size
        exits = live & (u1 < p_exit)
        cont = live & ~exits
        revoked = cont & (tier == PTSME) & ((revenue > c["sme_max_revenue"]) | (u1 < p_exit + R["Revocation"]))
        age = ((year - 1900) - born).astype(f32)
        aged_out = cont & (tier == EAGLET) & (age > c["eaglet_max_age"])
        settled = revoked | aged_out
        tier = np.where(settled, CANDIDATE, tier)

        rd = self.rd_intensity[agents][:, None] * R["RdIntensity"]
        threshold = np.where(revenue <= c["medium_revenue"], c["rd_threshold_small"],
                             np.where(revenue <= c["large_revenue"], c["rd_threshold_medium"], c["rd_threshold_large"]))
        eligible = np.where(rd >= threshold, one, R["PassIneligible"])

        due = is_hte & (cert <= year - 2000 - r["certificate_years"])
        kept = u < R["RenewalKeep"] * eligible
        renewed = cont & due & kept
        lost = cont & due & ~kept

        pass_ = np.minimum(c["hte_pass_cap"], R["HtePass"]) * eligible
        p_hte = self.apply_table[tier] * R["HteApply"] * quality * pass_
        p_ptsme = self.listing_table[tier] * R["PtsmeListing"] * quality
        eaglet_ok = (tier == CANDIDATE) & (age <= c["eaglet_max_age"]) & (revenue <= c["eaglet_max_revenue"]) & (rd >= c["rd_threshold_small"])
        p_eaglet = np.where(eaglet_ok, R["EagletListing"] * quality, zero)
        climbing = cont & ~is_hte & ~settled
        to_hte = climbing & (u < p_hte)
        hte_or_ptsme = p_hte + p_ptsme
        to_ptsme = climbing & ~to_hte & (u < hte_or_ptsme)
        to_eaglet = climbing & ~to_hte & ~to_ptsme & (u < hte_or_ptsme + p_eaglet)

        new_tier = np.where(to_hte, HTE, np.where(to_ptsme | lost, PTSME, np.where(to_eaglet, EAGLET, tier)))
        new_cert = np.where(renewed | to_hte, year - 2000, cert)
        new_is_hte = new_tier == HTE
        listed = cont & (new_tier >= PTSME)
        level_rate = np.where(inst == 0, R["MunicipalFounding"], R["RdInstitution"])
        p_inst = self.inst_table[inst] * level_rate * quality * np.where(new_is_hte, R["HteInstitutionFactor"], one)
        up = listed & (inst < 4) & (u3 < p_inst)
        new_inst = inst + up

        stored_tier = np.where(exits, EXITED, np.where(cont, new_tier, tier))
        meta_all[agents] = stored_tier | (np.where(cont, new_inst, inst) << 8) | (np.where(cont, new_cert, cert) << 16) | (born << 24)
        revenue_all[agents] = np.where(cont, revenue, revenue_old)

        founded = up & (new_inst == 1)
        M = self.metric
        for name, mask in (("NewHte", to_hte), ("NewPtsme", to_ptsme), ("NewEaglet", to_eaglet), ("NewRdInst", up & ~founded),
                           ("NewMunicipalRdCentres", founded), ("HteRenewed", renewed), ("HteLost", lost), ("Exits", exits),
                           ("HteStock", cont & new_is_hte),
                           ("PtsmeStock", cont & ((new_tier == PTSME) | (new_is_hte & (revenue <= c["sme_max_revenue"])))),
                           ("EagletStock", cont & (new_tier == EAGLET)), ("CandidateStock", cont & (new_tier == CANDIDATE)),
                           ("ListedFirms", listed), ("Births", births), ("PtsmeRevoked", revoked), ("EagletAgedOut", aged_out)):
            out[M[name]] += mask.sum(axis=0)
        out[M["RdSpend"]] += np.where(cont, money(revenue * rd), 0).sum(axis=0)
        va = np.where(cont & (revenue >= c["above_scale_revenue"]), money(revenue * self.va_ratio[agents][:, None]), 0)
        out[M["AboveScaleVa"]] += va.sum(axis=0)
        ht = self.high_tech[agents][:, None]
        out[M["HtVa"]] += np.where(ht, va, 0).sum(axis=0)
        invest = money(revenue * self.invest_ratio[agents][:, None] * R["Investment"])
        out[M["HtInvest"]] += np.where(cont & ht, invest, 0).sum(axis=0)


def key_values(path):
    with open(path) as f:
        return dict(line.strip().split("=", 1) for line in f if "=" in line)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("dir")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--chunk", type=int, default=256, help="agents per array operation (memory vs overhead)")
    parser.add_argument("--out")
    args = parser.parse_args()

    kernel = Kernel(args.dir)
    kernel.run(args.chunk, check=True)  # the same sums as the C# kernel, every metric, trial and year
    seconds = []
    for _ in range(args.repeats):
        start = time.perf_counter()
        kernel.run(args.chunk, check=False)
        seconds.append(time.perf_counter() - start)
    seconds.sort()
    median = seconds[len(seconds) // 2]
    cs = key_values(os.path.join(args.dir, "kernel-cs.txt"))
    work = int(cs["agents"]) * int(cs["trials"]) * int(cs["years"])
    lines = [
        "numpy_check=identical",
        f"numpy_version={np.__version__}",
        f"agents={cs['agents']}",
        f"trials={cs['trials']}",
        f"years={kernel.years[0]}-{kernel.years[-1]}",
        f"numpy_chunk={args.chunk}",
        f"numpy_repeats={args.repeats}",
        f"cs_repeats={cs['repeats']}",
        f"numpy_s={median:.4f}",
        f"numpy_ns={median * 1e9 / work:.3f}",
        f"cs_1thread_ns={cs['cs_1thread_ns']}",
        f"cs_parallel_ns={cs['cs_parallel_ns']}",
        f"cs_threads={cs['cs_threads']}",
        f"vector_path={cs['vector_path']}",
        f"cs_speedup_1thread={median / float(cs['cs_1thread_s']):.1f}",
        f"cs_speedup_parallel={median / float(cs['cs_parallel_s']):.1f}",
    ]
    text = "\n".join(lines) + "\n"
    sys.stdout.write(text)
    if args.out:
        with open(args.out, "w") as f:
            f.write(text)


if __name__ == "__main__":
    main()
