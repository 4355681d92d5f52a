#!/usr/bin/env python3
"""Generate src/ec/constants.h: BLS12-381 constants in the limb layouts the C code uses.

Every value below is either a published parameter of BLS12-381 / RFC 9380 (p, r, x,
generators, SSWU and isogeny coefficients) or is derived from them here, so the header
can be regenerated and audited:  python3 scripts/gen_ec_constants.py > src/ec/constants.h
"""

P = 0x1a0111ea397fe69a4b1ba7b6434bacd764774b84f38512bf6730d2a0f6b0f6241eabfffeb153ffffb9feffffffffaaab
R_ORDER = 0x73eda753299d7d483339d80809a1d80553bda402fffe5bfeffffffff00000001
X_ABS = 0xd201000000010000  # the BLS parameter is x = -X_ABS

G1X = 0x17f1d3a73197d7942695638c4fa9ac0fc3688c4f9774b905a14e3a3f171bac586c55e83ff97a1aeffb3af00adb22c6bb
G1Y = 0x08b3f481e3aaa0f1a09e30ed741d8ae4fcf5e095d5d00af600db18cb2c04b3edd03cc744a2888ae40caa232946c5e7e1
G2X = (0x024aa2b2f08f0a91260805272dc51051c6e47ad4fa403b02b4510b647ae3d1770bac0326a805bbefd48056c8c121bdb8,
       0x13e02b6052719f607dacd3a088274f65596bd0d09920b61ab5da61bbdc7f5049334cf11213945d57e5ac7d055d042b7e)
G2Y = (0x0ce5d527727d6e118cc9cdc6da2e351aadfd9baa8cbdd3a76d429a695160d12c923ac9cc3baca289e193548608b82801,
       0x0606c4a02ea734cc32acd2b02bc28b99cb3e287e85a763af267492ab572e99ab3f370d275cec1da1aaa9075ff05f79be)

# RFC 9380 section 8.8: SSWU curve parameters.
G1_SSWU_A = 0x144698a3b8e9433d693a02c96d4982b0ea985383ee66a8d8e8981aefd881ac98936f8da0e0f97f5cf428082d584c1d
G1_SSWU_B = 0x12e2908d11688030018b12e8753eee3b2016c1f0f24f4070a0b9c14fcef35ef55a23215a316ceaa5d1cc48e98e172be0
G1_SSWU_Z = 11
G2_SSWU_A = (0, 240)
G2_SSWU_B = (1012, 1012)
G2_SSWU_Z = (P - 2, P - 1)

# RFC 9380 appendix E.2: 11-isogeny E' -> E (coefficients k_(i,0) .. k_(i,d)).
ISO11_XNUM = [
 0x11a05f2b1e833340b809101dd99815856b303e88a2d7005ff2627b56cdb4e2c85610c2d5f2e62d6eaeac1662734649b7,
 0x17294ed3e943ab2f0588bab22147a81c7c17e75b2f6a8417f565e33c70d1e86b4838f2a6f318c356e834eef1b3cb83bb,
 0x0d54005db97678ec1d1048c5d10a9a1bce032473295983e56878e501ec68e25c958c3e3d2a09729fe0179f9dac9edcb0,
 0x1778e7166fcc6db74e0609d307e55412d7f5e4656a8dbf25f1b33289f1b330835336e25ce3107193c5b388641d9b6861,
 0x0e99726a3199f4436642b4b3e4118e5499db995a1257fb3f086eeb65982fac18985a286f301e77c451154ce9ac8895d9,
 0x1630c3250d7313ff01d1201bf7a74ab5db3cb17dd952799b9ed3ab9097e68f90a0870d2dcae73d19cd13c1c66f652983,
 0x0d6ed6553fe44d296a3726c38ae652bfb11586264f0f8ce19008e218f9c86b2a8da25128c1052ecaddd7f225a139ed84,
 0x17b81e7701abdbe2e8743884d1117e53356de5ab275b4db1a682c62ef0f2753339b7c8f8c8f475af9ccb5618e3f0c88e,
 0x080d3cf1f9a78fc47b90b33563be990dc43b756ce79f5574a2c596c928c5d1de4fa295f296b74e956d71986a8497e317,
 0x169b1f8e1bcfa7c42e0c37515d138f22dd2ecb803a0c5c99676314baf4bb1b7fa3190b2edc0327797f241067be390c9e,
 0x10321da079ce07e272d8ec09d2565b0dfa7dccdde6787f96d50af36003b14866f69b771f8c285decca67df3f1605fb7b,
 0x06e08c248e260e70bd1e962381edee3d31d79d7e22c837bc23c0bf1bc24c6b68c24b1b80b64d391fa9c8ba2e8ba2d229]
ISO11_XDEN = [
 0x08ca8d548cff19ae18b2e62f4bd3fa6f01d5ef4ba35b48ba9c9588617fc8ac62b558d681be343df8993cf9fa40d21b1c,
 0x12561a5deb559c4348b4711298e536367041e8ca0cf0800c0126c2588c48bf5713daa8846cb026e9e5c8276ec82b3bff,
 0x0b2962fe57a3225e8137e629bff2991f6f89416f5a718cd1fca64e00b11aceacd6a3d0967c94fedcfcc239ba5cb83e19,
 0x03425581a58ae2fec83aafef7c40eb545b08243f16b1655154cca8abc28d6fd04976d5243eecf5c4130de8938dc62cd8,
 0x13a8e162022914a80a6f1d5f43e7a07dffdfc759a12062bb8d6b44e833b306da9bd29ba81f35781d539d395b3532a21e,
 0x0e7355f8e4e667b955390f7f0506c6e9395735e9ce9cad4d0a43bcef24b8982f7400d24bc4228f11c02df9a29f6304a5,
 0x0772caacf16936190f3e0c63e0596721570f5799af53a1894e2e073062aede9cea73b3538f0de06cec2574496ee84a3a,
 0x14a7ac2a9d64a8b230b3f5b074cf01996e7f63c21bca68a81996e1cdf9822c580fa5b9489d11e2d311f7d99bbdcc5a5e,
 0x0a10ecf6ada54f825e920b3dafc7a3cce07f8d1d7161366b74100da67f39883503826692abba43704776ec3a79a1d641,
 0x095fc13ab9e92ad4476d6e3eb3a56680f682b4ee96f7d03776df533978f31c1593174e4b4b7865002d6384d168ecdd0a,
 1]
ISO11_YNUM = [
 0x090d97c81ba24ee0259d1f094980dcfa11ad138e48a869522b52af6c956543d3cd0c7aee9b3ba3c2be9845719707bb33,
 0x134996a104ee5811d51036d776fb46831223e96c254f383d0f906343eb67ad34d6c56711962fa8bfe097e75a2e41c696,
 0x00cc786baa966e66f4a384c86a3b49942552e2d658a31ce2c344be4b91400da7d26d521628b00523b8dfe240c72de1f6,
 0x01f86376e8981c217898751ad8746757d42aa7b90eeb791c09e4a3ec03251cf9de405aba9ec61deca6355c77b0e5f4cb,
 0x08cc03fdefe0ff135caf4fe2a21529c4195536fbe3ce50b879833fd221351adc2ee7f8dc099040a841b6daecf2e8fedb,
 0x16603fca40634b6a2211e11db8f0a6a074a7d0d4afadb7bd76505c3d3ad5544e203f6326c95a807299b23ab13633a5f0,
 0x04ab0b9bcfac1bbcb2c977d027796b3ce75bb8ca2be184cb5231413c4d634f3747a87ac2460f415ec961f8855fe9d6f2,
 0x0987c8d5333ab86fde9926bd2ca6c674170a05bfe3bdd81ffd038da6c26c842642f64550fedfe935a15e4ca31870fb29,
 0x09fc4018bd96684be88c9e221e4da1bb8f3abd16679dc26c1e8b6e6a1f20cabe69d65201c78607a360370e577bdba587,
 0x0e1bba7a1186bdb5223abde7ada14a23c42a0ca7915af6fe06985e7ed1e4d43b9b3f7055dd4eba6f2bafaaebca731c30,
 0x19713e47937cd1be0dfd0b8f1d43fb93cd2fcbcb6caf493fd1183e416389e61031bf3a5cce3fbafce813711ad011c132,
 0x18b46a908f36f6deb918c143fed2edcc523559b8aaf0c2462e6bfe7f911f643249d9cdf41b44d606ce07c8a4d0074d8e,
 0x0b182cac101b9399d155096004f53f447aa7b12a3426b08ec02710e807b4633f06c851c1919211f20d4c04f00b971ef8,
 0x0245a394ad1eca9b72fc00ae7be315dc757b3b080d4c158013e6632d3c40659cc6cf90ad1c232a6442d9d3f5db980133,
 0x05c129645e44cf1102a159f748c4a3fc5e673d81d7e86568d9ab0f5d396a7ce46ba1049b6579afb7866b1e715475224b,
 0x15e6be4e990f03ce4ea50b3b42df2eb5cb181d8f84965a3957add4fa95af01b2b665027efec01c7704b456be69c8b604]
ISO11_YDEN = [
 0x16112c4c3a9c98b252181140fad0eae9601a6de578980be6eec3232b5be72e7a07f3688ef60c206d01479253b03663c1,
 0x1962d75c2381201e1a0cbd6c43c348b885c84ff731c4d59ca4a10356f453e01f78a4260763529e3532f6102c2e49a03d,
 0x058df3306640da276faaae7d6e8eb15778c4855551ae7f310c35a5dd279cd2eca6757cd636f96f891e2538b53dbf67f2,
 0x16b7d288798e5395f20d23bf89edb4d1d115c5dbddbcd30e123da489e726af41727364f2c28297ada8d26d98445f5416,
 0x0be0e079545f43e4b00cc912f8228ddcc6d19c9f0f69bbb0542eda0fc9dec916a20b15dc0fd2ededda39142311a5001d,
 0x08d9e5297186db2d9fb266eaac783182b70152c65550d881c5ecd87b6f0f5a6449f38db9dfa9cce202c6477faaf9b7ac,
 0x166007c08a99db2fc3ba8734ace9824b5eecfdfa8d0cf8ef5dd365bc400a0051d5fa9c01a58b1fb93d1a1399126a775c,
 0x16a3ef08be3ea7ea03bcddfabba6ff6ee5a4375efa1f4fd7feb34fd206357132b920f5b00801dee460ee415a15812ed9,
 0x1866c8ed336c61231a1be54fd1d74cc4f9fb0ce4c6af5920abc5750c4bf39b4852cfe2f7bb9248836b233d9d55535d4a,
 0x167a55cda70a6e1cea820597d94a84903216f763e13d87bb5308592e7ea7d4fbc7385ea3d529b35e346ef48bb8913f55,
 0x04d2f259eea405bd48f010a01ad2911d9c6dd039bb61a6290e591b36e636a5c871a5c29f4f83060400f8b49cba8f6aa8,
 0x0accbb67481d033ff5852c1e48c50c477f94ff8aefce42d28c0f9a88cea7913516f968986f7ebbea9684b529e2561092,
 0x0ad6b9514c767fe3c3613144b45f1496543346d98adf02267d5ceef9a00d9b8693000763e3b90ac11e99b138573345cc,
 0x02660400eb2e4f3b628bdd0d53cd76f2bf565b94e72927c1cb748df27942480e420517bd8714cc80d1fadc1326ed06f7,
 0x0e0fa1d816ddc03e6b24255e0d7819c171c40f65e273b853324efcd6356caa205ca2f570f13497804415473a1d634b8f,
 1]

# RFC 9380 appendix E.3: 3-isogeny E2' -> E2, Fp2 coefficients (c0, c1).
_k = lambda s: int(s, 16)
ISO3_XNUM = [
 (0x5c759507e8e333ebb5b7a9a47d7ed8532c52d39fd3a042a88b58423c50ae15d5c2638e343d9c71c6238aaaaaaaa97d6,
  0x5c759507e8e333ebb5b7a9a47d7ed8532c52d39fd3a042a88b58423c50ae15d5c2638e343d9c71c6238aaaaaaaa97d6),
 (0, 0x11560bf17baa99bc32126fced787c88f984f87adf7ae0c7f9a208c6b4f20a4181472aaa9cb8d555526a9ffffffffc71a),
 (0x11560bf17baa99bc32126fced787c88f984f87adf7ae0c7f9a208c6b4f20a4181472aaa9cb8d555526a9ffffffffc71e,
  0x8ab05f8bdd54cde190937e76bc3e447cc27c3d6fbd7063fcd104635a790520c0a395554e5c6aaaa9354ffffffffe38d),
 (0x171d6541fa38ccfaed6dea691f5fb614cb14b4e7f4e810aa22d6108f142b85757098e38d0f671c7188e2aaaaaaaa5ed1, 0)]
ISO3_XDEN = [
 (0, 0x1a0111ea397fe69a4b1ba7b6434bacd764774b84f38512bf6730d2a0f6b0f6241eabfffeb153ffffb9feffffffffaa63),
 (0xc, 0x1a0111ea397fe69a4b1ba7b6434bacd764774b84f38512bf6730d2a0f6b0f6241eabfffeb153ffffb9feffffffffaa9f),
 (1, 0)]
ISO3_YNUM = [
 (0x1530477c7ab4113b59a4c18b076d11930f7da5d4a07f649bf54439d87d27e500fc8c25ebf8c92f6812cfc71c71c6d706,
  0x1530477c7ab4113b59a4c18b076d11930f7da5d4a07f649bf54439d87d27e500fc8c25ebf8c92f6812cfc71c71c6d706),
 (0, 0x5c759507e8e333ebb5b7a9a47d7ed8532c52d39fd3a042a88b58423c50ae15d5c2638e343d9c71c6238aaaaaaaa97be),
 (0x11560bf17baa99bc32126fced787c88f984f87adf7ae0c7f9a208c6b4f20a4181472aaa9cb8d555526a9ffffffffc71c,
  0x8ab05f8bdd54cde190937e76bc3e447cc27c3d6fbd7063fcd104635a790520c0a395554e5c6aaaa9354ffffffffe38f),
 (0x124c9ad43b6cf79bfbf7043de3811ad0761b0f37a1e26286b0e977c69aa274524e79097a56dc4bd9e1b371c71c718b10, 0)]
ISO3_YDEN = [
 (0x1a0111ea397fe69a4b1ba7b6434bacd764774b84f38512bf6730d2a0f6b0f6241eabfffeb153ffffb9feffffffffa8fb,
  0x1a0111ea397fe69a4b1ba7b6434bacd764774b84f38512bf6730d2a0f6b0f6241eabfffeb153ffffb9feffffffffa8fb),
 (0, 0x1a0111ea397fe69a4b1ba7b6434bacd764774b84f38512bf6730d2a0f6b0f6241eabfffeb153ffffb9feffffffffa9d3),
 (0x12, 0x1a0111ea397fe69a4b1ba7b6434bacd764774b84f38512bf6730d2a0f6b0f6241eabfffeb153ffffb9feffffffffaa99),
 (1, 0)]

# ---- small Fp2 helpers for derivations --------------------------------------
def f2mul(a, b):
    return ((a[0] * b[0] - a[1] * b[1]) % P, (a[0] * b[1] + a[1] * b[0]) % P)

def f2pow(a, e):
    r = (1, 0)
    while e:
        if e & 1:
            r = f2mul(r, a)
        a = f2mul(a, a)
        e >>= 1
    return r

def f2inv(a):
    n = pow(a[0] * a[0] + a[1] * a[1], P - 2, P)
    return (a[0] * n % P, -a[1] * n % P)

XI = (1, 1)  # u + 1, the Fp6 non-residue

# Frobenius coefficients: gamma_{k,i} = xi^(i*(p^k-1)/6).
def frob_coeff(k, i):
    return f2pow(XI, i * (P ** k - 1) // 6)

# psi = untwist o frobenius o twist on G2: psi(x, y) = (conj(x) * PSI_X, conj(y) * PSI_Y).
PSI_X = f2inv(f2pow(XI, (P - 1) // 3))
PSI_Y = f2inv(f2pow(XI, (P - 1) // 2))
PSI2_X = f2mul(PSI_X, (PSI_X[0], -PSI_X[1] % P))  # psi^2 x-coefficient (lies in Fp)

# G1 endomorphism phi(x, y) = (beta x, y) with eigenvalue -x^2 = X_ABS^2 * -1 mod r.
def g1_add(A, B):
    if A is None: return B
    if B is None: return A
    (x1, y1), (x2, y2) = A, B
    if x1 == x2:
        if (y1 + y2) % P == 0: return None
        l = 3 * x1 * x1 * pow(2 * y1, P - 2, P) % P
    else:
        l = (y2 - y1) * pow(x2 - x1, P - 2, P) % P
    x3 = (l * l - x1 - x2) % P
    return (x3, (l * (x1 - x3) - y1) % P)

def g1_mul(A, k):
    R = None
    while k:
        if k & 1: R = g1_add(R, A)
        A = g1_add(A, A); k >>= 1
    return R

def find_beta():
    lam = (-X_ABS * X_ABS) % R_ORDER
    target = g1_mul((G1X, G1Y), lam)
    w = pow(2, (P - 1) // 3, P)   # a primitive cube root of unity mod p
    for beta in (w, w * w % P):
        if (beta * G1X % P, G1Y) == target:
            return beta
    raise SystemExit("no beta")

R = 1 << 384
RR = 1 << 256

def limbs(v, n):
    return [(v >> (64 * i)) & 0xffffffffffffffff for i in range(n)]

def fmt_limbs(v, n):
    return "{{" + ", ".join("0x%016xULL" % x for x in limbs(v, n)) + "}}"

def mont(v):
    return v % P * R % P

def fp_c(v):
    return fmt_limbs(mont(v), 6)

def fp2_c(a):
    return "{" + fp_c(a[0]) + ", " + fp_c(a[1]) + "}"

out = []
def emit(s=""):
    out.append(s)

def const_fp(name, v, comment=None):
    if comment: emit("/* %s */" % comment)
    emit("static const ck_fp %s = %s;" % (name, fp_c(v)))

def const_fp2(name, a, comment=None):
    if comment: emit("/* %s */" % comment)
    emit("static const ck_fp2 %s = %s;" % (name, fp2_c(a)))

def const_raw(name, v, n, comment=None):
    if comment: emit("/* %s */" % comment)
    emit("static const uint64_t %s[%d] = %s;" % (name, n, fmt_limbs(v, n)[1:-1]))

emit("/* Generated by scripts/gen_ec_constants.py; do not edit by hand. */")
emit("#ifndef CK_EC_CONSTANTS_H")
emit("#define CK_EC_CONSTANTS_H")
emit("#include \"carekey/ec.h\"")
emit()
emit("/* ---- Fp: p, Montgomery R = 2^384 ---- */")
const_raw("CK_P", P, 6, "p")
emit("#define CK_P_INV64 0x%016xULL /* -p^-1 mod 2^64 */" % ((-pow(P, -1, 1 << 64)) % (1 << 64)))
emit("#define CK_FP_ONE_INIT %s /* 1 (R mod p) */" % fp_c(1))
emit("static const ck_fp CK_FP_ONE = CK_FP_ONE_INIT;")
emit("static const ck_fp CK_FP_R2 = %s; /* R^2 mod p (Montgomery form of R) */" % fmt_limbs(R * R % P, 6))
emit("static const ck_fp CK_FP_R3 = %s; /* R^3 mod p */" % fmt_limbs(R * R * R % P, 6))
const_raw("CK_P_MINUS_2", P - 2, 6, "p - 2 (inversion exponent)")
const_raw("CK_P_PLUS1_DIV4", (P + 1) // 4, 6, "(p + 1) / 4 (square root exponent)")
const_raw("CK_P_MINUS3_DIV4", (P - 3) // 4, 6, "(p - 3) / 4")
const_raw("CK_P_MINUS1_DIV2", (P - 1) // 2, 6, "(p - 1) / 2 (Legendre exponent; also the sign threshold)")
emit()
emit("/* ---- Fr: r, Montgomery R = 2^256 ---- */")
const_raw("CK_R", R_ORDER, 4, "r")
emit("#define CK_R_INV64 0x%016xULL /* -r^-1 mod 2^64 */" % ((-pow(R_ORDER, -1, 1 << 64)) % (1 << 64)))
emit("static const ck_fr CK_FR_ONE = %s;" % fmt_limbs(RR % R_ORDER, 4))
emit("static const ck_fr CK_FR_R2 = %s;" % fmt_limbs(RR * RR % R_ORDER, 4))
emit("static const ck_fr CK_FR_R3 = %s;" % fmt_limbs(RR * RR * RR % R_ORDER, 4))
const_raw("CK_R_MINUS_2", R_ORDER - 2, 4, "r - 2")
emit()
emit("#define CK_X_ABS 0x%016xULL /* |x|, x = -|x| is the BLS parameter */" % X_ABS)
emit()
emit("/* ---- curve constants ---- */")
const_fp("CK_B1", 4, "b = 4 (G1)")
const_fp2("CK_B2", (4, 4), "b' = 4(u+1) (G2, M-twist)")
const_fp2("CK_B2_X3", (12, 12), "3b' (doubling step of the Miller loop)")
const_fp("CK_G1_X", G1X); const_fp("CK_G1_Y", G1Y)
const_fp2("CK_G2_X", G2X); const_fp2("CK_G2_Y", G2Y)
beta = find_beta()
const_fp("CK_G1_BETA", beta, "cube root of unity: (beta x, y) = [-x^2](x, y) on G1")
const_fp2("CK_PSI_X", PSI_X, "psi x-coefficient 1/xi^((p-1)/3)")
const_fp2("CK_PSI_Y", PSI_Y, "psi y-coefficient 1/xi^((p-1)/2)")
const_fp("CK_PSI2_X", PSI2_X[0], "psi^2 x-coefficient (in Fp)")
assert PSI2_X[1] == 0
emit()
emit("/* ---- Frobenius coefficients: FROB6_C1[k] = xi^((p^k-1)/3), FROB6_C2[k] = xi^(2(p^k-1)/3),")
emit("   FROB12_C1[k] = xi^((p^k-1)/6) ---- */")
emit("static const ck_fp2 CK_FROB6_C1[6] = {" + ", ".join(fp2_c(frob_coeff(k, 2)) for k in range(6)) + "};")
emit("static const ck_fp2 CK_FROB6_C2[6] = {" + ", ".join(fp2_c(frob_coeff(k, 4)) for k in range(6)) + "};")
emit("static const ck_fp2 CK_FROB12_C1[6] = {" + ", ".join(fp2_c(frob_coeff(k, 1)) for k in range(6)) + "};")
emit()
emit("/* ---- RFC 9380 SSWU (G1) ---- */")
const_fp("CK_SSWU1_A", G1_SSWU_A); const_fp("CK_SSWU1_B", G1_SSWU_B); const_fp("CK_SSWU1_Z", G1_SSWU_Z)
const_fp("CK_SSWU1_MINUS_B_OVER_A", -G1_SSWU_B * pow(G1_SSWU_A, P - 2, P) % P)
const_fp("CK_SSWU1_B_OVER_ZA", G1_SSWU_B * pow(G1_SSWU_Z * G1_SSWU_A, P - 2, P) % P)
emit("static const ck_fp CK_ISO11_XNUM[12] = {" + ", ".join(fp_c(v) for v in ISO11_XNUM) + "};")
emit("static const ck_fp CK_ISO11_XDEN[11] = {" + ", ".join(fp_c(v) for v in ISO11_XDEN) + "};")
emit("static const ck_fp CK_ISO11_YNUM[16] = {" + ", ".join(fp_c(v) for v in ISO11_YNUM) + "};")
emit("static const ck_fp CK_ISO11_YDEN[16] = {" + ", ".join(fp_c(v) for v in ISO11_YDEN) + "};")
emit()
emit("/* ---- RFC 9380 SSWU (G2) ---- */")
A2, B2, Z2 = G2_SSWU_A, G2_SSWU_B, G2_SSWU_Z
const_fp2("CK_SSWU2_A", A2); const_fp2("CK_SSWU2_B", B2); const_fp2("CK_SSWU2_Z", Z2)
mba = f2mul((-B2[0] % P, -B2[1] % P), f2inv(A2))
const_fp2("CK_SSWU2_MINUS_B_OVER_A", mba)
const_fp2("CK_SSWU2_B_OVER_ZA", f2mul(B2, f2inv(f2mul(Z2, A2))))
emit("static const ck_fp2 CK_ISO3_XNUM[4] = {" + ", ".join(fp2_c(v) for v in ISO3_XNUM) + "};")
emit("static const ck_fp2 CK_ISO3_XDEN[3] = {" + ", ".join(fp2_c(v) for v in ISO3_XDEN) + "};")
emit("static const ck_fp2 CK_ISO3_YNUM[4] = {" + ", ".join(fp2_c(v) for v in ISO3_YNUM) + "};")
emit("static const ck_fp2 CK_ISO3_YDEN[4] = {" + ", ".join(fp2_c(v) for v in ISO3_YDEN) + "};")
emit()
emit("#endif")
print("\n".join(out))
