// The pasted list never travels as one SignalR message (a circuit refuses messages over 32 KB): .NET asks
// for it as a stream, which Blazor sends in chunks, the same way an uploaded file arrives.
export function pastedText(textarea) {
    return new TextEncoder().encode(textarea.value);
}

// Saves a file the server streams (the problem rows as CSV) without a round trip through a URL.
export async function saveFile(fileName, streamReference) {
    const buffer = await streamReference.arrayBuffer();
    const url = URL.createObjectURL(new Blob([buffer], { type: "text/csv" }));
    const anchor = document.createElement("a");
    anchor.href = url;
    anchor.download = fileName;
    document.body.appendChild(anchor);
    anchor.click();
    anchor.remove();
    URL.revokeObjectURL(url);
}
