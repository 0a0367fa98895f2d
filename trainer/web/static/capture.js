// The microphone, as the trainer hears it: 16 kHz mono 16-bit PCM in 100 ms blocks, whatever rate the
// audio context runs at (44.1 kHz headless, 48 kHz on many laptops; Firefox refuses a 16 kHz context).
// Downsampling integrates each output sample's span of input (a box filter), which keeps speech and
// removes what would alias. Each block also carries its level, for the meter.
const TARGET_RATE = 16000;
const BLOCK = 1600;

class Capture extends AudioWorkletProcessor {
  constructor() {
    super();
    this.step = sampleRate / TARGET_RATE; // input samples per output sample
    this.acc = 0; // sum of the input samples of the current output sample
    this.weight = 0; // how much input it holds (fractions at the edges)
    this.block = new Int16Array(BLOCK);
    this.filled = 0;
  }

  emit(value) {
    const v = Math.max(-1, Math.min(1, value));
    this.block[this.filled++] = v < 0 ? v * 32768 : v * 32767;
    if (this.filled === BLOCK) {
      let sum = 0;
      for (let i = 0; i < BLOCK; i++) sum += this.block[i] * this.block[i];
      const rms = Math.sqrt(sum / BLOCK) / 32768;
      this.port.postMessage({ pcm: this.block.buffer, rms }, [this.block.buffer]);
      this.block = new Int16Array(BLOCK);
      this.filled = 0;
    }
  }

  process(inputs) {
    const channels = inputs[0];
    if (!channels || channels.length === 0) return true;
    const n = channels[0].length;
    for (let i = 0; i < n; i++) {
      let x = 0;
      for (let c = 0; c < channels.length; c++) x += channels[c][i];
      x /= channels.length;
      let left = 1; // this input sample's weight still to place
      while (this.weight + left >= this.step) {
        const part = this.step - this.weight;
        this.acc += x * part;
        this.emit(this.acc / this.step);
        left -= part;
        this.acc = 0;
        this.weight = 0;
      }
      this.acc += x * left;
      this.weight += left;
    }
    return true;
  }
}

registerProcessor("trainer-capture", Capture);
