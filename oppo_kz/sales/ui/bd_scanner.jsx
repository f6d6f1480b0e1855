// Camera barcode scanner for Reflex: barcode-detector 3.2.2 (ponyfill, zxing-wasm 3.1.3 inside).
// The wasm is bundled by Vite from node_modules (?url import) instead of the package's CDN default,
// so nothing is fetched from outside the app (users sit behind firewalls).
// Props: onDecode(text) once per mount, onError(name, message), formats (BarcodeDetector names),
// acceptPattern (regex source; other codes on the box are skipped), facingMode, scanInterval, plus
// anything a <video> takes.
import { useEffect, useRef } from "react";
import { BarcodeDetector, setZXingModuleOverrides } from "barcode-detector/ponyfill";
import wasmUrl from "zxing-wasm/reader/zxing_reader.wasm?url";

setZXingModuleOverrides({
  locateFile: (path, prefix) => (path.endsWith(".wasm") ? wasmUrl : prefix + path),
});

export function BdScanner({
  onDecode,
  onError,
  formats = ["code_128"],
  acceptPattern = "",
  facingMode = "environment",
  scanInterval = 100,
  ...videoProps
}) {
  const videoRef = useRef(null);
  const onDecodeRef = useRef(onDecode);
  const onErrorRef = useRef(onError);
  onDecodeRef.current = onDecode;
  onErrorRef.current = onError;
  const formatKey = formats.join(",");

  useEffect(() => {
    let cancelled = false;
    let stream = null;
    let timer = null;
    const fail = (name, message) => !cancelled && onErrorRef.current?.(name, message);
    const stop = () => {
      clearTimeout(timer);
      stream?.getTracks().forEach((t) => t.stop());
      if (videoRef.current) videoRef.current.srcObject = null;
    };
    if (!window.isSecureContext || !navigator.mediaDevices?.getUserMedia) {
      fail("InsecureContextError", "The camera needs HTTPS (or localhost).");
      return undefined;
    }
    const accept = acceptPattern ? new RegExp(acceptPattern) : null;
    (async () => {
      const detector = new BarcodeDetector({ formats: formatKey.split(",") });
      stream = await navigator.mediaDevices.getUserMedia({
        audio: false,
        video: { facingMode: { ideal: facingMode }, width: { ideal: 1280 }, height: { ideal: 720 } },
      });
      if (cancelled) return stop();
      const video = videoRef.current;
      video.srcObject = stream;
      await video.play();
      const tick = async () => {
        if (cancelled) return;
        try {
          if (video.readyState >= 2) {
            const codes = await detector.detect(video);
            if (cancelled) return;
            const hit = codes.find((c) => !accept || accept.test(c.rawValue));
            if (hit) {
              stop();
              onDecodeRef.current?.(hit.rawValue);
              return;
            }
          }
        } catch (e) {
          return fail(e?.name || "DecodeError", e?.message || String(e));
        }
        timer = setTimeout(tick, scanInterval);
      };
      tick();
    })().catch((e) => fail(e?.name || "Error", e?.message || String(e)));
    return () => {
      cancelled = true;
      stop();
    };
  }, [formatKey, acceptPattern, facingMode, scanInterval]);

  return <video ref={videoRef} muted playsInline autoPlay {...videoProps} />;
}
