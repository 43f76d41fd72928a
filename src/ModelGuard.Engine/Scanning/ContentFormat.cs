namespace ModelGuard.Engine.Scanning;

/// <summary>A format recognised from the bytes of a file, never from its name.</summary>
public enum ContentFormat
{
    /// <summary>Nothing ModelGuard recognises as a model or a model container.</summary>
    Unknown = 0,

    /// <summary>A Python pickle stream (any protocol).</summary>
    Pickle,

    /// <summary>A zip archive (PyTorch checkpoints, .npz, ...).</summary>
    Zip,

    /// <summary>A tar archive (legacy torch.save, tarballs).</summary>
    Tar,

    /// <summary>A 7z archive.</summary>
    SevenZip,

    /// <summary>A gzip stream.</summary>
    Gzip,

    /// <summary>A zlib or .lzma stream (neither has a magic number: recognised by decoding it).</summary>
    ZlibOrLzma,

    /// <summary>A bzip2 stream.</summary>
    Bzip2,

    /// <summary>An xz stream.</summary>
    Xz,

    /// <summary>A NumPy .npy array.</summary>
    Numpy,

    /// <summary>A safetensors file.</summary>
    Safetensors,

    /// <summary>An HDF5 file (Keras <c>.h5</c> models among others); recognised, not verified.</summary>
    Hdf5,

    /// <summary>A TensorFlow Lite flatbuffer; recognised, not verified.</summary>
    TfLite,

    /// <summary>A Core ML <c>.mlmodel</c> protobuf; recognised, not verified.</summary>
    CoreMl,

    /// <summary>A TensorFlow <c>saved_model.pb</c>; recognised, not verified.</summary>
    TensorFlowSavedModel,

    /// <summary>An ONNX model (a protobuf ModelProto).</summary>
    Onnx,

    /// <summary>A GGUF file (llama.cpp, LLamaSharp).</summary>
    Gguf,
}
